package io.tsmigrator.ledger;

import io.tsmigrator.db.Transactions;

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
 * Windows whose source rows changed after they were migrated ({@code <control-schema>.remigration}):
 * a change mark is accepted by putting the window's chunks back to PENDING (and planning the parts
 * no chunk covers), and remembered with its version until every chunk of the window has been
 * migrated again. Only then may the mark be cleared in the source, and only if its version is still
 * the one accepted: a change made during the re-migration leaves a newer version, which is accepted
 * again. A window with a chunk RUNNING is not accepted yet, since that chunk may have read the
 * window before the change; the mark stays and a later pass takes it.
 */
public class Remigrations {

    /** A change mark: the window of a ship that changed, and the version of its latest change. */
    public record Mark(String ship, Instant start, Instant end, long version) {
    }

    private final DataSource dataSource;
    private final ChunkLedger ledger;
    private final String chunk;
    private final String table;

    public Remigrations(DataSource dataSource, ChunkLedger ledger, ControlSchema schema) {
        this.dataSource = dataSource;
        this.ledger = ledger;
        this.chunk = schema.table("chunk");
        this.table = schema.table("remigration");
    }

    /**
     * The chunks that are not split (their windows never overlap) meeting each mark's window: the
     * last one starting before it and those starting inside it, two bounded index ranges.
     */
    private String leavesOf(String mark) {
        String leaves = "SELECT id, status, window_start, window_end FROM " + chunk + " WHERE job = " + mark + ".job AND ship_id = " + mark + ".ship_id"
                + " AND status <> 'SPLIT'";
        return "CROSS JOIN LATERAL ((" + leaves + " AND window_start < " + mark + ".window_start ORDER BY window_start DESC LIMIT 1)"
                + " UNION ALL (" + leaves + " AND window_start >= " + mark + ".window_start AND window_start < " + mark + ".window_end)) x"
                + " WHERE x.window_end > " + mark + ".window_start";
    }

    /**
     * Accepts the marks whose windows no chunk is running in: their DONE chunks go back to PENDING,
     * the parts of their windows within [from, to) that no chunk covers are planned as chunks of
     * {@code chunkSize}, and the marks are remembered. Returns the marks accepted.
     */
    public List<Mark> accept(List<Mark> marks, Instant from, Instant to, Duration chunkSize) throws SQLException {
        List<Mark> accepted = new ArrayList<>();
        if (marks.isEmpty()) {
            return accepted;
        }
        Transactions.inTransaction(dataSource, c -> {
            String m = "(SELECT ?::text AS job, * FROM unnest(CAST(? AS text[]), CAST(? AS timestamptz[]), CAST(? AS timestamptz[]), CAST(? AS bigint[]))"
                    + " AS u(ship_id, window_start, window_end, version))";
            // FOR UPDATE of the running chunks is not needed: a chunk claimed after this look reads after the mark was committed
            String sql = "WITH m AS " + m + ","
                    + " ok AS (SELECT m.* FROM m WHERE NOT EXISTS (SELECT 1 FROM (SELECT m.job, m.ship_id, m.window_start, m.window_end) mm "
                    + leavesOf("mm") + " AND x.status = 'RUNNING')),"
                    + " requeued AS (UPDATE " + chunk + " c SET status = 'PENDING', owner = NULL, lease_until = NULL, updated_at = now()"
                    + "   FROM ok " + leavesOf("ok") + " AND x.status = 'DONE' AND c.id = x.id RETURNING c.id),"
                    + " remembered AS (INSERT INTO " + table + " AS r (job, ship_id, window_start, window_end, version)"
                    + "   SELECT job, ship_id, window_start, window_end, version FROM ok"
                    + "   ON CONFLICT (job, ship_id, window_start) DO UPDATE SET version = greatest(r.version, EXCLUDED.version), accepted_at = now())"
                    + " SELECT ship_id, window_start, window_end, version, (SELECT count(*) FROM requeued) FROM ok";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, ledger.job());
                bindMarks(c, ps, 2, marks);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        accepted.add(new Mark(rs.getString(1), rs.getTimestamp(2).toInstant(), rs.getTimestamp(3).toInstant(), rs.getLong(4)));
                    }
                }
            }
            planUncovered(c, accepted, from, to, chunkSize);
        });
        return accepted;
    }

    private void planUncovered(Connection c, List<Mark> accepted, Instant from, Instant to, Duration chunkSize) throws SQLException {
        List<ShipRange> ranges = new ArrayList<>();
        for (Mark mark : accepted) {
            Instant start = mark.start().isAfter(from) ? mark.start() : from;
            Instant end = mark.end().isBefore(to) ? mark.end() : to;
            if (start.isBefore(end)) {
                ranges.add(new ShipRange(mark.ship(), start, end));
            }
        }
        List<List<Instant[]>> gaps = ledger.uncovered(c, ranges);
        Map<String, List<Instant[]>> windows = new LinkedHashMap<>();
        for (int i = 0; i < ranges.size(); i++) {
            for (Instant[] gap : gaps.get(i)) {
                windows.computeIfAbsent(ranges.get(i).ship(), s -> new ArrayList<>()).addAll(ChunkWindows.cut(gap[0], gap[1], chunkSize));
            }
        }
        ledger.plan(c, windows);
    }

    /** Accepted marks whose windows have no chunk left PENDING or RUNNING: migrated again since. */
    public List<Mark> settled() throws SQLException {
        String sql = "SELECT r.ship_id, r.window_start, r.window_end, r.version FROM " + table + " r WHERE r.job = ?"
                + " AND NOT EXISTS (SELECT 1 FROM (SELECT r.job, r.ship_id, r.window_start, r.window_end) mm " + leavesOf("mm")
                + " AND x.status IN ('PENDING', 'RUNNING'))";
        List<Mark> settled = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, ledger.job());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    settled.add(new Mark(rs.getString(1), rs.getTimestamp(2).toInstant(), rs.getTimestamp(3).toInstant(), rs.getLong(4)));
                }
            }
        }
        return settled;
    }

    /** Forgets settled marks once the source has cleared them; a mark accepted again since (a newer version) stays. */
    public void forget(List<Mark> marks) throws SQLException {
        if (marks.isEmpty()) {
            return;
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " r USING unnest("
                + "CAST(? AS text[]), CAST(? AS timestamptz[]), CAST(? AS timestamptz[]), CAST(? AS bigint[])) AS u(ship_id, window_start, window_end, version)"
                + " WHERE r.job = ? AND r.ship_id = u.ship_id AND r.window_start = u.window_start AND r.version = u.version")) {
            bindMarks(c, ps, 1, marks);
            ps.setString(5, ledger.job());
            ps.executeUpdate();
        }
    }

    private static void bindMarks(Connection c, PreparedStatement ps, int first, List<Mark> marks) throws SQLException {
        ps.setArray(first, c.createArrayOf("text", marks.stream().map(Mark::ship).toArray()));
        ps.setArray(first + 1, c.createArrayOf("text", marks.stream().map(mk -> mk.start().toString()).toArray()));
        ps.setArray(first + 2, c.createArrayOf("text", marks.stream().map(mk -> mk.end().toString()).toArray()));
        ps.setArray(first + 3, c.createArrayOf("int8", marks.stream().map(Mark::version).toArray()));
    }
}
