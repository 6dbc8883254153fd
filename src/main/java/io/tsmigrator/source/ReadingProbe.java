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
import java.util.Arrays;
import java.util.List;

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

    /**
     * Per range, in the order given: the starts of the aligned windows of {@code size} that hold a
     * reading within it, ascending, in microseconds since the epoch. Streamed in pages and kept as
     * primitive arrays: a million windows are a few megabytes, not a million objects.
     */
    public List<long[]> windowsWithReadings(List<ShipRange> ranges, Duration size) throws SQLException {
        List<long[]> found = new ArrayList<>();
        if (ranges.isEmpty()) {
            return found;
        }
        long step = Math.max(1, size.toNanos() / 1000);
        String t = source.time();
        String micros = "(extract(epoch FROM date_trunc('second', min(" + t + ")))::bigint * 1000000 + extract(microseconds FROM min(" + t + "))::bigint % 1000000)";
        String bucket = "(" + micros + " - ((" + micros + " % " + step + ") + " + step + ") % " + step + ")";
        String next = "(SELECT " + bucket + " FROM " + source.table() + " WHERE " + source.ship() + " = CAST(:ship AS " + source.shipType().name() + ")"
                + " AND " + t + " >= " + at(":lo") + " AND " + t + " < " + at(":hi") + ")";
        // The recursion finds every range's next window in one step, so the ranges' rows interleave;
        // they are sorted per range here, not on the server.
        String sql = "WITH RECURSIVE r AS (SELECT * FROM unnest(CAST(? AS int[]), CAST(? AS text[]), CAST(? AS bigint[]), CAST(? AS bigint[])) AS r(i, ship, lo, hi)),"
                + " w(i, ship, hi, b) AS (SELECT i, ship, hi, " + next(next, "r.ship", "r.lo", "r.hi") + " FROM r"
                + "  UNION ALL SELECT i, ship, hi, " + next(next, "w.ship", "w.b + " + step, "w.hi") + " FROM w WHERE w.b IS NOT NULL)"
                + " SELECT i, b FROM w WHERE b IS NOT NULL";
        long[][] starts = new long[ranges.size()][];
        int[] counts = new int[ranges.size()];
        try (Connection c = dataSource.getConnection()) {
            // a cursor (fetch size, outside autocommit) so the driver never holds the whole answer
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setFetchSize(PAGE);
                ps.setObject(1, java.util.stream.IntStream.range(0, ranges.size()).toArray());
                ps.setArray(2, c.createArrayOf("text", ranges.stream().map(ShipRange::ship).toArray()));
                ps.setObject(3, ranges.stream().mapToLong(r -> ChunkWindows.micros(r.start())).toArray());
                ps.setObject(4, ranges.stream().mapToLong(r -> ChunkWindows.micros(r.end())).toArray());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        int i = rs.getInt(1);
                        if (starts[i] == null) {
                            starts[i] = new long[16];
                        } else if (counts[i] == starts[i].length) {
                            starts[i] = Arrays.copyOf(starts[i], counts[i] * 2);
                        }
                        starts[i][counts[i]++] = rs.getLong(2);
                    }
                }
            } finally {
                Transactions.rollbackQuietly(c); // a broken connection must not hide the probe's own error
            }
        }
        for (int i = 0; i < starts.length; i++) {
            long[] mine = starts[i] == null ? new long[0] : Arrays.copyOf(starts[i], counts[i]);
            Arrays.sort(mine); // already ascending as PostgreSQL runs it; SQL alone does not promise it
            found.add(mine);
        }
        return found;
    }

    private static final int PAGE = 10_000;

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
