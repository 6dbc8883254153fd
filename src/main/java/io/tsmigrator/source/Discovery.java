package io.tsmigrator.source;

import io.tsmigrator.config.Settings;
import io.tsmigrator.db.Transactions;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds what to migrate without scanning the whole narrow table: distinct ships by an index
 * skip-scan (a recursive CTE that asks the index for the next larger key, once per distinct value),
 * and each ship's time bounds by index-backed min/max. Channel ids are listed the same way, but
 * only where an index allows it (leading with the channel, or with (ship, channel)): a run does not
 * need them (columns appear as chunks meet channels); the column limit's check and doctor use them.
 * Without an index leading with the ship, each step would scan the table, so the ships are then
 * found in one pass instead, and the log says how long it took and how to avoid it.
 */
public final class Discovery {

    private static final Logger LOG = LoggerFactory.getLogger(Discovery.class);

    private final DataSource dataSource;
    private final SourceTable source;

    public Discovery(DataSource dataSource, SourceTable source) {
        this.dataSource = dataSource;
        this.source = source;
    }

    public List<String> ships() throws SQLException {
        try {
            return distinct(source.ship(), Settings.SHIPS);
        } catch (SQLException e) {
            throw new SQLException("discovering the ships of " + source.table() + " failed (" + e.getMessage()
                    + "); list them in migrator.ships or add an index leading with the ship column", e.getSQLState(), e);
        }
    }

    /** Whether {@link #channels()} can list the channel ids with index probes: an index leads with the channel column. */
    public boolean canListChannels() throws SQLException {
        return indexLeadsWith(source.channel());
    }

    /** Whether {@link #channelsOf(String)} can list a ship's channel ids with index probes: an index leads with (ship, channel). */
    public boolean canListChannelsPerShip() throws SQLException {
        return indexLeadsWith(source.ship(), source.channel());
    }

    /**
     * The distinct channel ids by an index skip-scan, one probe per id. Never a scan of the table:
     * without an index leading with the channel column ({@link #canListChannels()}) it refuses.
     */
    public List<String> channels() throws SQLException {
        if (!canListChannels()) {
            throw new IllegalStateException("no index of " + source.table() + " leads with " + source.channel() + ": listing its channels would scan it");
        }
        return skipScan(source.channel(), null);
    }

    /** A ship's distinct channel ids by an index skip-scan over (ship, channel); refuses without such an index. */
    public List<String> channelsOf(String ship) throws SQLException {
        if (!canListChannelsPerShip()) {
            throw new IllegalStateException("no index of " + source.table() + " leads with (" + source.ship() + ", " + source.channel()
                    + "): listing a ship's channels would scan it");
        }
        return skipScan(source.channel(), ship);
    }

    /**
     * The planner's estimate of the number of distinct channel ids (pg_stats.n_distinct), or -1 when
     * the column has no statistics. Costs a catalog lookup, nothing of the table.
     */
    public long estimatedChannels() throws SQLException {
        // pg_stats is filtered by the names the subquery finds, so that PostgreSQL looks the one row up by
        // index; joined to the catalog by name instead, it computes pg_stats for every column first
        String sql = "SELECT s.n_distinct, (SELECT reltuples FROM pg_class WHERE oid = to_regclass(?)) FROM pg_stats s"
                + " WHERE (s.schemaname, s.tablename, s.attname, s.inherited) = (SELECT n.nspname, c.relname, a.attname, c.relhassubclass"
                + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid"
                + " WHERE c.oid = to_regclass(?) AND '\"' || replace(a.attname, '\"', '\"\"') || '\"' = ?)";
        try (Connection c = Transactions.forReads(dataSource); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, source.table());
            ps.setString(2, source.table());
            ps.setString(3, source.channel());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return -1;
                }
                double distinct = rs.getDouble(1);
                double rows = rs.getDouble(2);
                long estimate = Math.round(distinct >= 0 ? distinct : -distinct * Math.max(rows, 0));
                return estimate;
            }
        }
    }

    /**
     * The channels of one ship's window: a range of an index on (ship, time), cheap where discovering
     * every channel is not (without an index leading with the channel, each step scans the table).
     */
    public List<String> channelsIn(String ship, Instant start, Instant end) throws SQLException {
        String sql = "SELECT DISTINCT " + source.channel() + "::text FROM " + source.table() + " WHERE " + source.ship() + " = ? AND "
                + source.time() + " >= ? AND " + source.time() + " < ? AND " + source.channel() + " IS NOT NULL";
        List<String> values = new ArrayList<>();
        try (Connection c = Transactions.forReads(dataSource); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, ship);
            Times.bind(ps, 2, start, source.timeType());
            Times.bind(ps, 3, end, source.timeType());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    values.add(rs.getString(1));
                }
            }
        }
        return values;
    }

    /** First and last reading of a ship, or null when it has none. */
    public Instant[] bounds(String ship) throws SQLException {
        return bounds(List.of(ship)).get(ship);
    }

    /**
     * First and last reading of each ship that has any, by index-backed min/max, in one query per
     * {@link #BOUNDS_PER_QUERY} ships: a planning pass asks for every ship at each tick.
     */
    public Map<String, Instant[]> bounds(List<String> ships) throws SQLException {
        // One branch per ship, so that each ship parameter takes the ship column's own type as a lone query's would.
        String branch = "SELECT CAST(? AS int), min(" + source.time() + "), max(" + source.time() + ") FROM " + source.table()
                + " WHERE " + source.ship() + " = ?";
        Map<String, Instant[]> bounds = new LinkedHashMap<>();
        try (Connection c = Transactions.forReads(dataSource)) {
            for (int from = 0; from < ships.size(); from += BOUNDS_PER_QUERY) {
                List<String> group = ships.subList(from, Math.min(ships.size(), from + BOUNDS_PER_QUERY));
                try (PreparedStatement ps = c.prepareStatement(String.join(" UNION ALL ", Collections.nCopies(group.size(), branch)))) {
                    for (int i = 0; i < group.size(); i++) {
                        ps.setInt(2 * i + 1, i);
                        ps.setString(2 * i + 2, group.get(i));
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            Instant first = Times.read(rs, 2, source.timeType());
                            if (first != null) {
                                bounds.put(group.get(rs.getInt(1)), new Instant[] {first, Times.read(rs, 3, source.timeType())});
                            }
                        }
                    }
                }
            }
        }
        return bounds;
    }

    static final int BOUNDS_PER_QUERY = 100;

    /** @param settingKey the setting that lists these values instead */
    private List<String> distinct(String column, String settingKey) throws SQLException {
        if (!indexLeadsWith(column)) {
            long started = System.nanoTime();
            List<String> values = query("SELECT DISTINCT " + column + "::text FROM " + source.table() + " WHERE " + column + " IS NOT NULL");
            LOG.warn("no index of {} leads with {}: found its {} distinct values in one scan of the table ({} ms);"
                            + " list them in {} or create such an index to skip this scan",
                    source.table(), column, values.size(), (System.nanoTime() - started) / 1_000_000L, settingKey);
            return values;
        }
        return skipScan(column, null);
    }

    /**
     * Distinct values of {@code column} by a recursive CTE that asks the index for the next larger
     * value, once per value; within one ship when {@code ship} is given (an index on (ship, column)).
     */
    private List<String> skipScan(String column, String ship) throws SQLException {
        String t = source.table();
        String within = ship == null ? "" : source.ship() + " = CAST(? AS " + source.shipType().name() + ") AND ";
        String sql = "WITH RECURSIVE d(v) AS ("
                + " (SELECT " + column + " FROM " + t + " WHERE " + within + column + " IS NOT NULL ORDER BY 1 LIMIT 1)"
                + " UNION ALL"
                + " SELECT (SELECT " + column + " FROM " + t + " WHERE " + within + column + " > d.v ORDER BY 1 LIMIT 1) FROM d WHERE d.v IS NOT NULL)"
                + " SELECT v::text FROM d WHERE v IS NOT NULL";
        List<String> values = new ArrayList<>();
        try (Connection c = Transactions.forReads(dataSource); PreparedStatement ps = c.prepareStatement(sql)) {
            if (ship != null) {
                ps.setString(1, ship);
                ps.setString(2, ship);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    values.add(rs.getString(1));
                }
            }
        }
        return values;
    }

    private List<String> query(String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Connection c = Transactions.forReads(dataSource); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }

    /** Whether a valid, non-partial B-tree index has {@code quotedColumns} as its first key columns, in that order. */
    private boolean indexLeadsWith(String... quotedColumns) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT EXISTS (SELECT 1 FROM pg_index i"
                + " JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam AND am.amname = 'btree'"
                + " WHERE i.indrelid = to_regclass(?) AND i.indisvalid AND i.indpred IS NULL");
        for (int k = 0; k < quotedColumns.length; k++) {
            sql.append(" AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = i.indrelid AND a.attnum = i.indkey[").append(k)
                    .append("] AND '\"' || replace(a.attname, '\"', '\"\"') || '\"' = ?)");
        }
        sql.append(')');
        try (Connection c = Transactions.forReads(dataSource); PreparedStatement ps = c.prepareStatement(sql.toString())) {
            ps.setString(1, source.table());
            for (int k = 0; k < quotedColumns.length; k++) {
                ps.setString(k + 2, quotedColumns[k]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                boolean found = rs.getBoolean(1);
                return found;
            }
        }
    }

}
