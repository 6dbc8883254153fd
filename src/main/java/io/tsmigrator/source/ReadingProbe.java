package io.tsmigrator.source;

import io.tsmigrator.db.Transactions;
import io.tsmigrator.ledger.ChunkWindows;
import io.tsmigrator.ledger.ShipRange;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the chunk windows that hold readings, without reading the readings: from a time on, it asks
 * the index on (ship, time) for the next reading, takes the aligned window around it and asks again
 * from that window's end. A stretch without readings (a dry dock, a clock reset to 1970) costs one
 * probe instead of one window per chunk size. All ships' ranges go in one recursive query; its
 * cursor is carried in whole microseconds since the Unix epoch, so no float rounding can move a
 * reading on a window boundary into the window before.
 */
public final class ReadingProbe {

    private final DataSource dataSource;
    private final SourceTable source;

    public ReadingProbe(DataSource dataSource, SourceTable source) {
        this.dataSource = dataSource;
        this.source = source;
    }

    /** The start of each aligned window of {@code size} that holds a reading within its range, per ship, in order. */
    public Map<String, List<Instant>> windowsWithReadings(List<ShipRange> ranges, Duration size) throws SQLException {
        Map<String, List<Instant>> found = new LinkedHashMap<>();
        if (ranges.isEmpty()) {
            return found;
        }
        long step = Math.max(1, size.toNanos() / 1000);
        String t = source.time();
        String micros = "(extract(epoch FROM date_trunc('second', min(" + t + ")))::bigint * 1000000 + extract(microseconds FROM min(" + t + "))::bigint % 1000000)";
        String bucket = "(" + micros + " - ((" + micros + " % " + step + ") + " + step + ") % " + step + ")";
        String next = "(SELECT " + bucket + " FROM " + source.table() + " WHERE " + source.ship() + " = CAST(:ship AS " + source.shipType().name() + ")"
                + " AND " + t + " >= " + at(":lo") + " AND " + t + " < " + at(":hi") + ")";
        String sql = "WITH RECURSIVE r AS (SELECT * FROM unnest(CAST(? AS text[]), CAST(? AS bigint[]), CAST(? AS bigint[])) AS r(ship, lo, hi)),"
                + " w(ship, hi, b) AS (SELECT ship, hi, " + next(next, "r.ship", "r.lo", "r.hi") + " FROM r"
                + "  UNION ALL SELECT ship, hi, " + next(next, "w.ship", "w.b + " + step, "w.hi") + " FROM w WHERE w.b IS NOT NULL)"
                + " SELECT ship, b FROM w WHERE b IS NOT NULL ORDER BY ship, b";
        try (Connection c = Transactions.forReads(dataSource); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, c.createArrayOf("text", ranges.stream().map(ShipRange::ship).toArray()));
            ps.setArray(2, c.createArrayOf("int8", ranges.stream().map(r -> ChunkWindows.micros(r.start())).toArray()));
            ps.setArray(3, c.createArrayOf("int8", ranges.stream().map(r -> ChunkWindows.micros(r.end())).toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.computeIfAbsent(rs.getString(1), s -> new ArrayList<>()).add(ChunkWindows.instant(rs.getLong(2)));
                }
            }
        }
        return found;
    }

    private static String next(String template, String ship, String lo, String hi) {
        return template.replace(":ship", ship).replace(":lo", lo).replace(":hi", hi);
    }

    /** The source database's clock: follow mode measures how settled a window is by it, not by this host's. */
    public Instant now() throws SQLException {
        try (Connection c = Transactions.forReads(dataSource); PreparedStatement ps = c.prepareStatement("SELECT now()");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getObject(1, java.time.OffsetDateTime.class).toInstant();
        }
    }

    /** A time of the column's own type from microseconds since the epoch (sessions run in UTC, so a plain timestamp is UTC). */
    private String at(String epochMicros) {
        String epoch = source.timeType().oid() == ColumnType.TIMESTAMPTZ ? "timestamptz '1970-01-01 00:00:00+00'" : "timestamp '1970-01-01 00:00:00'";
        return "(" + epoch + " + (" + epochMicros + ") / 1000000 * interval '1 second' + (" + epochMicros + ") % 1000000 * interval '1 microsecond')";
    }
}
