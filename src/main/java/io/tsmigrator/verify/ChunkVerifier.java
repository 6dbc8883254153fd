package io.tsmigrator.verify;

import io.tsmigrator.db.Transactions;
import io.tsmigrator.source.SourceTable;
import io.tsmigrator.source.Times;

import javax.sql.DataSource;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/**
 * Reconciles one window at a time with aggregate queries on both sides, so nothing is loaded into
 * memory whatever the table size: the source's distinct timestamps and distinct (time, channel)
 * pairs with a non-NULL value, against the wide table's rows and non-NULL cells.
 */
public final class ChunkVerifier {

    private final DataSource source;
    private final DataSource target;
    private final SourceTable table;
    private final Function<String, List<String>> channels;
    private final String sourceSql;
    private final String wideSql;

    /**
     * @param wideTable quoted wide table; @param shipColumn, timeColumn quoted wide columns
     * @param channels each ship's channel ids that have a wide column (through its mapping)
     * @param wideColumns quoted channel columns of the wide table
     */
    public ChunkVerifier(DataSource source, DataSource target, SourceTable table, Function<String, List<String>> channels,
                         String wideTable, String shipColumn, String timeColumn, List<String> wideColumns) {
        this.source = source;
        this.target = target;
        this.table = table;
        this.channels = channels;
        String window = table.ship() + " = ? AND " + table.time() + " >= ? AND " + table.time() + " < ? AND " + table.channel() + "::text = ANY (?)";
        this.sourceSql = "SELECT count(DISTINCT " + table.time() + "),"
                + " (SELECT count(*) FROM (SELECT DISTINCT " + table.time() + ", " + table.channel() + " FROM " + table.table()
                + "   WHERE " + window + " AND " + table.value() + " IS NOT NULL) v)"
                + " FROM " + table.table() + " WHERE " + window;
        this.wideSql = "SELECT count(*), coalesce(sum(num_nonnulls(" + String.join(", ", wideColumns) + ")), 0) FROM " + wideTable
                + " WHERE " + shipColumn + " = ? AND " + timeColumn + " >= ? AND " + timeColumn + " < ?";
    }

    public WindowCheck check(String ship, Instant start, Instant end) throws SQLException {
        long[] src = new long[2];
        try (Connection c = Transactions.forReads(source); PreparedStatement ps = c.prepareStatement(sourceSql)) {
            Array ids = c.createArrayOf("text", channels.apply(ship).toArray());
            for (int offset : new int[] {0, 4}) {
                ps.setString(offset + 1, ship);
                Times.bind(ps, offset + 2, start, table.timeType());
                Times.bind(ps, offset + 3, end, table.timeType());
                ps.setArray(offset + 4, ids);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                src[0] = rs.getLong(1);
                src[1] = rs.getLong(2);
            }
        }
        try (Connection c = target.getConnection(); PreparedStatement ps = c.prepareStatement(wideSql)) {
            ps.setString(1, ship);
            Times.bind(ps, 2, start, table.timeType());
            Times.bind(ps, 3, end, table.timeType());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new WindowCheck(ship, start, end, src[0], rs.getLong(1), src[1], rs.getLong(2));
            }
        }
    }

}
