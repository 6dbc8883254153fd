package io.tsmigrator.ledger;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the planner has already looked at, per ship ({@code <control-schema>.ship_plan}): the range
 * [probed_from, probed_until) whose readings are planned. A later pass probes only outside it (the
 * new tail, or an earlier {@code migrator.from}), so a hole between windows is not searched again
 * at every pass; a late reading that lands in a hole is found by change capture instead.
 */
public class ProbedRanges {

    private final DataSource dataSource;
    private final String table;
    private final String job;

    public ProbedRanges(DataSource dataSource, ControlSchema schema, String job) {
        this.dataSource = dataSource;
        this.table = schema.table("ship_plan");
        this.job = job;
    }

    /** The probed range of each listed ship that has one: {from, until}. */
    public Map<String, Instant[]> of(List<String> ships) throws SQLException {
        Map<String, Instant[]> ranges = new HashMap<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT ship_id, probed_from, probed_until FROM " + table + " WHERE job = ? AND ship_id = ANY (?)")) {
            ps.setString(1, job);
            ps.setArray(2, c.createArrayOf("text", ships.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ranges.put(rs.getString(1), new Instant[] {rs.getTimestamp(2).toInstant(), rs.getTimestamp(3).toInstant()});
                }
            }
        }
        return ranges;
    }

    /** Widens each ship's probed range to include the given one, on the caller's connection. */
    void widen(Connection c, Map<String, Instant[]> probed) throws SQLException {
        if (probed.isEmpty()) {
            return;
        }
        List<String> ships = List.copyOf(probed.keySet());
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " AS p (job, ship_id, probed_from, probed_until)"
                + " SELECT ?, * FROM unnest(CAST(? AS text[]), CAST(? AS timestamptz[]), CAST(? AS timestamptz[]))"
                + " ON CONFLICT (job, ship_id) DO UPDATE SET probed_from = least(p.probed_from, EXCLUDED.probed_from),"
                + " probed_until = greatest(p.probed_until, EXCLUDED.probed_until)")) {
            ps.setString(1, job);
            ps.setArray(2, c.createArrayOf("text", ships.toArray()));
            ps.setArray(3, c.createArrayOf("text", ships.stream().map(s -> probed.get(s)[0].toString()).toArray()));
            ps.setArray(4, c.createArrayOf("text", ships.stream().map(s -> probed.get(s)[1].toString()).toArray()));
            ps.executeUpdate();
        }
    }
}
