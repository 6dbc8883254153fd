package io.tsmigrator.ledger;

import io.tsmigrator.db.Transactions;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Puts finished or failed work back into the ledger for a replay, tagged with the replay's batch so
 * that the replay runs exactly what it queued. Dead letters are never deleted: a replayed one gets
 * {@code replayed_at} and the outcome {@code queued}, later {@code done} or {@code failed} once its
 * chunk (or every half it was split into) has ended.
 */
public class Requeue {

    public static final String QUEUED = "queued";
    public static final String DONE = "done";
    public static final String FAILED = "failed";

    private final DataSource dataSource;
    private final ChunkLedger ledger;
    private final String chunk;
    private final String deadLetter;

    public Requeue(DataSource dataSource, ChunkLedger ledger, ControlSchema schema) {
        this.dataSource = dataSource;
        this.ledger = ledger;
        this.chunk = schema.table("chunk");
        this.deadLetter = schema.table("dead_letter");
    }

    /**
     * Marks an open dead letter replayed and sets its FAILED chunk back to PENDING in the batch, in
     * one transaction. Returns false when the dead letter was replayed already (by a retry of this
     * step or another replay), which leaves everything as it is.
     */
    public boolean deadLetter(long deadLetterId, String batch) throws SQLException {
        boolean[] marked = new boolean[1];
        Transactions.inTransaction(dataSource, c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + deadLetter + " SET replayed_at = now(), replay_outcome = ?"
                    + " WHERE id = ? AND job = ? AND replayed_at IS NULL")) {
                ps.setString(1, QUEUED);
                ps.setLong(2, deadLetterId);
                ps.setString(3, ledger.job());
                marked[0] = ps.executeUpdate() == 1;
            }
            if (marked[0]) {
                try (PreparedStatement ps = c.prepareStatement(requeue("id = (SELECT chunk_id FROM " + deadLetter + " WHERE id = ?) AND status = 'FAILED'"))) {
                    ps.setString(1, batch);
                    ps.setLong(2, deadLetterId);
                    ps.executeUpdate();
                }
            }
        });
        return marked[0];
    }

    /**
     * Queues an imported window [start, end) of a ship: every chunk that overlaps it and is not
     * being worked on goes back to PENDING in the batch (open dead letters among them are marked
     * replayed), and the parts no chunk covers are planned as new chunks of the batch. Whole chunks
     * are rerun, so a window need not line up with the ledger's; a chunk's write replaces its
     * window, so rerunning a DONE chunk is harmless. Returns {requeued, planned}.
     */
    public int[] window(String ship, Instant start, Instant end, Duration chunkSize, String batch) throws SQLException {
        int[] counts = new int[2];
        Transactions.inTransaction(dataSource, c -> {
            String overlapping = "job = ? AND ship_id = ? AND window_start < ? AND window_end > ?";
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + deadLetter + " SET replayed_at = now(), replay_outcome = ?"
                    + " WHERE job = ? AND replayed_at IS NULL AND chunk_id IN (SELECT id FROM " + chunk + " WHERE status = 'FAILED' AND " + overlapping + ")")) {
                ps.setString(1, QUEUED);
                ps.setString(2, ledger.job());
                bindOverlap(ps, 3, ship, start, end);
                ps.executeUpdate();
            }
            // SPLIT parents are represented by their halves; a RUNNING chunk with a live lease is
            // some process's current work and will be written by it
            try (PreparedStatement ps = c.prepareStatement(requeue(overlapping
                    + " AND (status IN ('DONE', 'FAILED', 'PENDING') OR (status = 'RUNNING' AND lease_until < now()))"))) {
                ps.setString(1, batch);
                bindOverlap(ps, 2, ship, start, end);
                counts[0] = ps.executeUpdate();
            }
            List<Instant[]> windows = new ArrayList<>();
            for (Instant[] gap : ledger.uncovered(c, ship, start, end)) {
                windows.addAll(ChunkWindows.cut(gap[0], gap[1], chunkSize));
            }
            counts[1] = ledger.plan(c, ship, windows, batch);
        });
        return counts;
    }

    /**
     * Puts DONE chunks back to PENDING, untagged, so that any run (or a running {@code run --follow})
     * migrates them again: e.g. the windows {@code verify} found different. A chunk that is no longer
     * DONE (claimed again meanwhile) is left as it is. Returns how many were requeued.
     */
    public int done(List<Long> chunkIds) throws SQLException {
        if (chunkIds.isEmpty()) {
            return 0;
        }
        int[] requeued = new int[1];
        Transactions.inTransaction(dataSource, c -> {
            try (PreparedStatement ps = c.prepareStatement(requeue("job = ? AND id = ANY (?) AND status = 'DONE'"))) {
                ps.setString(1, null);
                ps.setString(2, ledger.job());
                ps.setArray(3, c.createArrayOf("bigint", chunkIds.toArray()));
                requeued[0] = ps.executeUpdate();
            }
        });
        return requeued[0];
    }

    /**
     * Settles the outcome of replayed dead letters whose chunk has ended since: {@code done} when
     * the chunk, or every half it was split into, is DONE; {@code failed} when it (or a half) was
     * dead-lettered again. Idempotent; any run calls it, so a replay a crash interrupted is settled
     * by whichever run finishes its chunks.
     */
    public int settleOutcomes() throws SQLException {
        String sql = "WITH RECURSIVE lineage AS ("
                + " SELECT d.id AS letter, c.id AS chunk_id, c.status FROM " + deadLetter + " d JOIN " + chunk + " c ON c.id = d.chunk_id"
                + "  WHERE d.job = ? AND d.replay_outcome = ?"
                + " UNION ALL SELECT l.letter, c.id, c.status FROM lineage l JOIN " + chunk + " c ON c.parent_id = l.chunk_id),"
                + " verdict AS (SELECT letter, CASE WHEN bool_or(status = 'FAILED') THEN ? WHEN bool_and(status IN ('DONE', 'SPLIT')) THEN ? END AS outcome"
                + "  FROM lineage GROUP BY letter)"
                + " UPDATE " + deadLetter + " d SET replay_outcome = v.outcome FROM verdict v WHERE d.id = v.letter AND v.outcome IS NOT NULL";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, ledger.job());
            ps.setString(2, QUEUED);
            ps.setString(3, FAILED);
            ps.setString(4, DONE);
            return ps.executeUpdate();
        }
    }

    /** The UPDATE that hands chunks matching a condition to the batch; its first parameter is the batch. */
    private String requeue(String condition) {
        return "UPDATE " + chunk + " SET status = 'PENDING', replay_batch = ?, owner = NULL, lease_until = NULL, updated_at = now() WHERE " + condition;
    }

    private void bindOverlap(PreparedStatement ps, int first, String ship, Instant start, Instant end) throws SQLException {
        ps.setString(first, ledger.job());
        ps.setString(first + 1, ship);
        ps.setObject(first + 2, ChunkLedger.utc(end));
        ps.setObject(first + 3, ChunkLedger.utc(start));
    }
}
