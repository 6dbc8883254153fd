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
 * Finds what to migrate without scanning the whole narrow table: distinct ships and channels by an
 * index skip-scan (a recursive CTE that asks the index for the next larger key, once per distinct
 * value), and each ship's time bounds by index-backed min/max. With an index on
 * (ship, time, ...) and one leading with the channel, each step is a single index probe. Without
 * an index leading with the column, each step would scan the table (93 channels: 94 scans), so the
 * values are then found in one pass instead, and the log says how long it took and how to avoid it.
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

    public List<String> channels() throws SQLException {
        try {
            return distinct(source.channel(), Settings.CHANNELS);
        } catch (SQLException e) {
            throw new SQLException("discovering the channels of " + source.table() + " failed (" + e.getMessage()
                    + "); list them in migrator.channels or add an index leading with the channel column", e.getSQLState(), e);
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
        String t = source.table();
        String sql = "WITH RECURSIVE d(v) AS ("
                + " (SELECT " + column + " FROM " + t + " WHERE " + column + " IS NOT NULL ORDER BY 1 LIMIT 1)"
                + " UNION ALL"
                + " SELECT (SELECT " + column + " FROM " + t + " WHERE " + column + " > d.v ORDER BY 1 LIMIT 1) FROM d WHERE d.v IS NOT NULL)"
                + " SELECT v::text FROM d WHERE v IS NOT NULL";
        return query(sql);
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

    /** Whether a valid, non-partial B-tree index has {@code quotedColumn} as its first key column. */
    private boolean indexLeadsWith(String quotedColumn) throws SQLException {
        String sql = "SELECT EXISTS (SELECT 1 FROM pg_index i"
                + " JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam AND am.amname = 'btree'"
                + " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]"
                + " WHERE i.indrelid = to_regclass(?) AND i.indisvalid AND i.indpred IS NULL"
                + " AND '\"' || replace(a.attname, '\"', '\"\"') || '\"' = ?)";
        try (Connection c = Transactions.forReads(dataSource); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, source.table());
            ps.setString(2, quotedColumn);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                boolean found = rs.getBoolean(1);
                return found;
            }
        }
    }

}
