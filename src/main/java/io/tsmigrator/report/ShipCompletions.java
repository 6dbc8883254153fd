package io.tsmigrator.report;

import io.tsmigrator.ledger.ChunkLedger;
import io.tsmigrator.ledger.ControlSchema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Records that a ship is complete in {@code <control-schema>.ship_completion}. The figures come from
 * the ledger, not from the aggregator's tally, so they are right across restarts and reruns; the
 * upsert makes recording the same completion twice harmless.
 */
public class ShipCompletions {

    private static final Logger LOG = LoggerFactory.getLogger(ShipCompletions.class);

    private final DataSource dataSource;
    private final ChunkLedger ledger;
    private final String completion;
    private final String chunk;

    public ShipCompletions(DataSource dataSource, ChunkLedger ledger, ControlSchema schema) {
        this.dataSource = dataSource;
        this.ledger = ledger;
        this.completion = schema.table("ship_completion");
        this.chunk = schema.table("chunk");
    }

    /**
     * Records the completion of each ship of a tally that the ledger says has no chunk left to do
     * (index probes, not a count of its chunks), in one query for the whole tally. A completion that
     * another process recorded meanwhile is not logged again: only rows the upsert changed are, with
     * the ledger's figures.
     */
    public void record(Set<String> tally) throws SQLException {
        List<String> finished = ledger.finishedShips(tally);
        if (finished.isEmpty()) {
            return;
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(upsert(""))) {
            ps.setString(1, ledger.job());
            ps.setArray(2, c.createArrayOf("text", finished.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    LOG.info("ship {} complete: {} chunks done, {} narrow rows -> {} wide rows", rs.getString(1), rs.getInt(2), rs.getLong(3), rs.getLong(4));
                }
            }
        }
    }

    /**
     * Writes completions a crash may have left unwritten: every finished ship of the scope (every
     * chunk DONE, split parents counting as their halves) gets its row, all in one statement.
     */
    public void reconcile(List<String> ships) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(upsert(" AND count(*) FILTER (WHERE status NOT IN ('DONE', 'SPLIT')) = 0"))) {
            ps.setString(1, ledger.job());
            ps.setArray(2, c.createArrayOf("text", ships.toArray()));
            ps.executeQuery().close();
        }
    }

    /** The completion rows of the listed ships with DONE chunks (and {@code condition}), from the ledger's figures. */
    private String upsert(String condition) {
        String done = " FILTER (WHERE status = 'DONE')";
        return "INSERT INTO " + completion + " (job, ship_id, chunks, source_rows, wide_rows, started_at, completed_at)"
                + " SELECT job, ship_id, count(*)" + done + ", coalesce(sum(rows_read)" + done + ", 0), coalesce(sum(rows_written)" + done + ", 0),"
                + " min(started_at)" + done + ", now()"
                + " FROM " + chunk + " WHERE job = ? AND ship_id = ANY (?) GROUP BY job, ship_id"
                + " HAVING count(*)" + done + " > 0" + condition
                + " ON CONFLICT (job, ship_id) DO UPDATE SET chunks = EXCLUDED.chunks, source_rows = EXCLUDED.source_rows,"
                + " wide_rows = EXCLUDED.wide_rows, started_at = EXCLUDED.started_at, completed_at = EXCLUDED.completed_at"
                + " WHERE (" + completion + ".chunks, " + completion + ".source_rows, " + completion + ".wide_rows)"
                + " IS DISTINCT FROM (EXCLUDED.chunks, EXCLUDED.source_rows, EXCLUDED.wide_rows)"
                + " RETURNING ship_id, chunks, source_rows, wide_rows";
    }

    /** Completion rows of the given ships, for the end-of-run summary. */
    public List<Completion> completions(List<String> ships) throws SQLException {
        String sql = "SELECT ship_id, chunks, source_rows, wide_rows, started_at, completed_at FROM " + completion
                + " WHERE job = ? AND ship_id = ANY (?) ORDER BY ship_id";
        List<Completion> result = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, ledger.job());
            ps.setArray(2, c.createArrayOf("text", ships.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    result.add(new Completion(rs.getString(1), rs.getInt(2), rs.getLong(3), rs.getLong(4),
                            rs.getTimestamp(5) == null ? null : rs.getTimestamp(5).toInstant(), rs.getTimestamp(6).toInstant()));
                }
            }
        }
        return result;
    }

    public record Completion(String ship, int chunks, long sourceRows, long wideRows, java.time.Instant startedAt, java.time.Instant completedAt) {
    }
}
