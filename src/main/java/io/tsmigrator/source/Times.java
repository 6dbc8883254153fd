package io.tsmigrator.source;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Moves instants across JDBC for either timestamp type. The migrator's sessions run in UTC, so a
 * {@code timestamp without time zone} column is read and written as UTC wall-clock time.
 */
public final class Times {

    /** Microseconds between the Unix epoch and PostgreSQL's epoch (2000-01-01), for binary timestamps. */
    public static final long PG_EPOCH_MICROS = 946_684_800_000_000L;

    private Times() {
    }

    public static void bind(PreparedStatement ps, int index, Instant instant, ColumnType type) throws SQLException {
        if (type.oid() == ColumnType.TIMESTAMPTZ) {
            ps.setObject(index, OffsetDateTime.ofInstant(instant, ZoneOffset.UTC));
        } else {
            ps.setObject(index, LocalDateTime.ofInstant(instant, ZoneOffset.UTC));
        }
    }

    public static Instant read(ResultSet rs, int index, ColumnType type) throws SQLException {
        if (type.oid() == ColumnType.TIMESTAMPTZ) {
            OffsetDateTime t = rs.getObject(index, OffsetDateTime.class);
            return t == null ? null : t.toInstant();
        }
        LocalDateTime t = rs.getObject(index, LocalDateTime.class);
        return t == null ? null : t.toInstant(ZoneOffset.UTC);
    }

    /** The instant of a binary timestamp (microseconds since 2000-01-01). */
    public static Instant fromPgMicros(long pgMicros) {
        long unixMicros = pgMicros + PG_EPOCH_MICROS;
        return Instant.ofEpochSecond(Math.floorDiv(unixMicros, 1_000_000L), Math.floorMod(unixMicros, 1_000_000L) * 1000L);
    }
}
