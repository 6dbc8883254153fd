package io.tsmigrator.ledger;

import io.tsmigrator.config.Secrets;
import io.tsmigrator.db.Transactions;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The chunk ledger ({@code <control-schema>.chunk}): the durable state of a job, one row per window.
 * <p>
 * States: {@code PENDING} → {@code RUNNING} (claimed by an owner holding a lease) → {@code DONE}
 * (written in the same transaction as the chunk's wide rows), {@code SPLIT} (replaced by two
 * halves that point to it), or {@code FAILED} (a dead letter holds the cause). A RUNNING chunk whose
 * lease expired belongs to a process that died; any process may claim it again, and because a
 * chunk's write is one transaction, the rerun neither duplicates nor loses rows.
 */
public class ChunkLedger {

    public static final String PENDING = "PENDING";
    public static final String RUNNING = "RUNNING";
    public static final String DONE = "DONE";
    public static final String SPLIT = "SPLIT";
    public static final String FAILED = "FAILED";

    private final DataSource dataSource;
    private final String chunk;
    private final String failure;
    private final String job;

    public ChunkLedger(DataSource dataSource, ControlSchema schema, String job) {
        this.dataSource = dataSource;
        this.chunk = schema.table("chunk");
        this.failure = schema.table("failure");
        this.job = job;
    }

    public String job() {
        return job;
    }

    /**
     * The parts of [start, end) that no planned window covers, in order: the whole range for a
     * ship without chunks, else the head, the tail and any hole between windows (left by a run with
     * a narrower range, or by windows a replay imported).
     */
    List<Instant[]> uncovered(Connection c, String ship, Instant start, Instant end) throws SQLException {
        return uncovered(c, List.of(new ShipRange(ship, start, end))).get(0);
    }

    /** As {@link #uncovered(Connection, String, Instant, Instant)} for several ranges in one query: the gaps of each, in the order given. */
    public List<List<Instant[]>> uncovered(List<ShipRange> ranges) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return uncovered(c, ranges);
        }
    }

    List<List<Instant[]>> uncovered(Connection c, List<ShipRange> ranges) throws SQLException {
        List<List<Instant[]>> gaps = new ArrayList<>();
        for (int i = 0; i < ranges.size(); i++) {
            gaps.add(new ArrayList<>());
        }
        if (ranges.isEmpty()) {
            return gaps;
        }
        // Top-level windows never overlap, so the windows that meet a range are the last one starting
        // before it and those starting inside it: two bounded index ranges, whatever the ship's history.
        // Each window's gap is measured from the furthest end of the windows before it (greatest()
        // ignores the NULL before the first); split halves lie inside their parent and do not count.
        String top = "SELECT window_start, window_end FROM " + chunk + " WHERE job = ? AND ship_id = r.ship_id AND parent_id IS NULL";
        String sql = "WITH r AS (SELECT * FROM unnest(CAST(? AS int[]), CAST(? AS text[]), CAST(? AS timestamptz[]), CAST(? AS timestamptz[]))"
                + "   AS r(i, ship_id, range_start, range_end)),"
                + " w AS (SELECT r.i, r.range_start, x.window_start, x.window_end FROM r CROSS JOIN LATERAL ("
                + "   (" + top + " AND window_start < r.range_start ORDER BY window_start DESC LIMIT 1)"
                + "   UNION ALL (" + top + " AND window_start >= r.range_start AND window_start < r.range_end)) x"
                + "   WHERE x.window_end > r.range_start)"
                + " SELECT i, gap_start, gap_end FROM (SELECT i, greatest(max(window_end) OVER (PARTITION BY i"
                + "   ORDER BY window_start, window_end ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), range_start) AS gap_start,"
                + "   window_start AS gap_end FROM w) g WHERE gap_end > gap_start"
                + " UNION ALL SELECT r.i, greatest(max(w.window_end), r.range_start), r.range_end FROM r LEFT JOIN w ON w.i = r.i"
                + "   GROUP BY r.i, r.range_start, r.range_end HAVING greatest(max(w.window_end), r.range_start) < r.range_end"
                + " ORDER BY 1, 2";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, c.createArrayOf("int4", java.util.stream.IntStream.range(0, ranges.size()).boxed().toArray()));
            ps.setArray(2, c.createArrayOf("text", ranges.stream().map(ShipRange::ship).toArray()));
            ps.setArray(3, c.createArrayOf("text", ranges.stream().map(r -> r.start().toString()).toArray()));
            ps.setArray(4, c.createArrayOf("text", ranges.stream().map(r -> r.end().toString()).toArray()));
            ps.setString(5, job);
            ps.setString(6, job);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    gaps.get(rs.getInt(1)).add(new Instant[] {rs.getTimestamp(2).toInstant(), rs.getTimestamp(3).toInstant()});
                }
            }
        }
        return gaps;
    }

    /** Records planned windows of several ships in one batch; a window already in the ledger is left as it is. Returns how many each ship got. */
    public Map<String, Integer> plan(Map<String, List<Instant[]>> windows) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return plan(c, windows);
        }
    }

    /** Plans windows on the caller's connection, tagged with a replay batch (null for none). */
    int plan(Connection c, String ship, List<Instant[]> windows, String batch) throws SQLException {
        return plan(c, runs(Map.of(ship, windows)), batch).getOrDefault(ship, 0);
    }

    /**
     * Records the windows the planner found and widens the ships' probed ranges to what it looked
     * at, in one transaction: a pass that fails in between leaves both as they were.
     */
    public Map<String, Integer> plan(PlannedWindows windows, ProbedRanges probed, Map<String, Instant[]> lookedAt) throws SQLException {
        Map<String, Integer> added = new LinkedHashMap<>();
        Transactions.inTransaction(dataSource, c -> {
            added.putAll(plan(c, windows, null));
            probed.widen(c, lookedAt);
        });
        return added;
    }

    Map<String, Integer> plan(Connection c, Map<String, List<Instant[]>> windows) throws SQLException {
        return plan(c, runs(windows), null);
    }

    private static PlannedWindows runs(Map<String, List<Instant[]>> windows) {
        PlannedWindows runs = new PlannedWindows();
        windows.forEach((ship, list) -> list.forEach(w -> runs.add(ship, w[0], w[1])));
        return runs;
    }

    private Map<String, Integer> plan(Connection c, PlannedWindows runs, String batch) throws SQLException {
        Map<String, Integer> added = new LinkedHashMap<>();
        if (runs.isEmpty()) {
            return added;
        }
        String sql = "WITH w AS (INSERT INTO " + chunk + " (job, ship_id, window_start, window_end, replay_batch)"
                + " SELECT ?, u.s, e.ws, e.ws + u.step * interval '1 microsecond', ? FROM unnest(CAST(? AS text[]),"
                + "   CAST(? AS int8[]), CAST(? AS int8[]), CAST(? AS int8[])) AS u(s, first, step, n),"
                + "   LATERAL (SELECT timestamptz 'epoch' + (u.first + g * u.step) * interval '1 microsecond' AS ws"
                + "            FROM generate_series(0, u.n - 1) AS g) AS e"
                + " ON CONFLICT DO NOTHING RETURNING ship_id)"
                + " SELECT ship_id, count(*) FROM w GROUP BY ship_id";
        int n = runs.runs();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, job);
            ps.setString(2, batch);
            ps.setArray(3, c.createArrayOf("text", runs.ships.toArray()));
            ps.setObject(4, java.util.Arrays.copyOf(runs.firsts, n));
            ps.setObject(5, java.util.Arrays.copyOf(runs.steps, n));
            ps.setObject(6, java.util.Arrays.copyOf(runs.counts, n));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    added.put(rs.getString(1), rs.getInt(2));
                }
            }
        }
        return added;
    }

    /**
     * Claims up to the given number of ready chunks of each ship that overlap [from, to) (and
     * belong to the replay batch, when one is given), each ship's earliest first: PENDING ones, or
     * RUNNING ones whose owner's lease has expired. {@code SKIP LOCKED} lets processes claim side by
     * side. Each ship is an ordered walk of the ready chunks' index whatever the ledger holds; one
     * walk over all ready chunks in time order would sort them. Reclaiming an expired lease counts
     * the attempt its owner began and never recorded (the process died in it).
     */
    public List<Chunk> claim(Map<String, Integer> ships, Instant from, Instant to, String batch, String owner, Duration lease)
            throws SQLException {
        String sql = "WITH ready AS (SELECT x.id FROM unnest(CAST(? AS text[]), CAST(? AS int[])) AS s(ship_id, n) CROSS JOIN LATERAL ("
                + "   SELECT id FROM " + chunk + " WHERE job = ? AND ship_id = s.ship_id AND status IN ('PENDING', 'RUNNING')"
                + "   AND window_start < ? AND window_end > ? AND (?::text IS NULL OR replay_batch = ?)"
                + "   AND (status = 'PENDING' OR lease_until < now())"
                + "   ORDER BY window_start LIMIT s.n FOR UPDATE SKIP LOCKED) x)"
                + " UPDATE " + chunk + " c SET status = 'RUNNING', owner = ?, attempts = c.attempts + CASE WHEN c.status = 'RUNNING' THEN 1 ELSE 0 END,"
                + " claimed_at = now(), lease_until = now() + ? * interval '1 millisecond', updated_at = now()"
                + " FROM ready WHERE c.id = ready.id"
                + " RETURNING c.id, c.ship_id, c.window_start, c.window_end, c.attempts, c.claimed_at";
        List<Chunk> claimed = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, c.createArrayOf("text", ships.keySet().toArray()));
            ps.setObject(2, ships.values().stream().mapToInt(Integer::intValue).toArray());
            ps.setString(3, job);
            ps.setObject(4, utc(to));
            ps.setObject(5, utc(from));
            ps.setString(6, batch);
            ps.setString(7, batch);
            ps.setString(8, owner);
            ps.setLong(9, lease.toMillis());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    claimed.add(chunkFrom(rs));
                }
            }
        }
        claimed.sort(java.util.Comparator.comparing(Chunk::start).thenComparing(Chunk::ship));
        return claimed;
    }

    /**
     * A boolean SQL expression, true while the claim a chunk message carries is still the chunk's
     * current one: the chunk RUNNING under this owner since that claim. A claim whose lease ran out
     * (while it waited in a queue, or while its process stalled) and that was claimed again, by any
     * process, fails it; an attempt that checks it first does no work another attempt is doing.
     * Its parameters are bound by {@link #bindClaim}.
     */
    public String claimHeldSql() {
        return "EXISTS (SELECT 1 FROM " + chunk + " WHERE id = ? AND owner = ? AND status = 'RUNNING' AND claimed_at = ?)";
    }

    /** Binds {@link #claimHeldSql()}'s parameters from {@code index} on; returns the next index. */
    public static int bindClaim(PreparedStatement ps, int index, Chunk ch, String owner) throws SQLException {
        ps.setLong(index, ch.id());
        ps.setString(index + 1, owner);
        ps.setObject(index + 2, ch.claimedAt() == null ? null : utc(ch.claimedAt()));
        return index + 3;
    }

    /**
     * Marks a chunk done on the caller's connection, inside the transaction that wrote its wide rows,
     * and records the attempt there too: a chunk's success costs one commit. An attempt that fails
     * is recorded by {@link #recordFailure} instead, after its rollback. Fails when this owner no
     * longer holds the chunk, so the caller rolls its write back.
     *
     * @param elapsedMillis how long the attempt has run so far; its start is reckoned back from the server's clock
     */
    public void markDone(Connection c, Chunk ch, String owner, int attempt, long rowsRead, long rowsWritten, long duplicates,
                         long rowsSkipped, long elapsedMillis) throws SQLException {
        // clock_timestamp(), not now(): inside this transaction now() is when the transaction began
        String sql = "UPDATE " + chunk + " SET status = 'DONE', attempts = greatest(attempts, ?), rows_read = ?, rows_written = ?, duplicates = ?, rows_skipped = ?,"
                + " finished_at = clock_timestamp(), elapsed_ms = ?, attempt_started_at = clock_timestamp() - ? * interval '1 millisecond',"
                + " started_at = coalesce(started_at, clock_timestamp() - ? * interval '1 millisecond'), lease_until = NULL, updated_at = clock_timestamp()"
                + " WHERE id = ? AND owner = ? AND status = 'RUNNING'";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setInt(1, attempt);
            ps.setLong(2, rowsRead);
            ps.setLong(3, rowsWritten);
            ps.setLong(4, duplicates);
            ps.setLong(5, rowsSkipped);
            ps.setLong(6, elapsedMillis);
            ps.setLong(7, elapsedMillis);
            ps.setLong(8, elapsedMillis);
            ps.setLong(9, ch.id());
            ps.setString(10, owner);
            if (ps.executeUpdate() != 1) {
                throw new LeaseLostException(ch, owner);
            }
        }
    }

    /**
     * Notes a failed attempt (its transaction was rolled back): the attempt counts, the chunk shows
     * its last failure, its lease (where this owner still holds it) outlasts the backoff before the
     * next attempt, and the failure history keeps every attempt's elapsed time, which {@code report}
     * searches for the fixed-cutoff signature of a server or network timeout.
     */
    public void recordFailure(Chunk ch, String owner, Duration lease, int attempt, String kind, String sqlState, String error,
                              long elapsedMillis) throws SQLException {
        String sql = "WITH c AS (UPDATE " + chunk + " SET attempts = greatest(attempts, ?), last_sql_state = ?, last_error = ?,"
                + " started_at = coalesce(started_at, now() - ? * interval '1 millisecond'),"
                + " lease_until = CASE WHEN owner = ? AND status = 'RUNNING' THEN now() + ? * interval '1 millisecond' ELSE lease_until END,"
                + " updated_at = now() WHERE id = ? RETURNING job, id, ship_id)"
                + " INSERT INTO " + failure + " (job, chunk_id, ship_id, attempt, kind, sql_state, error, elapsed_ms)"
                + " SELECT job, id, ship_id, ?, ?, ?, ?, ? FROM c";
        String scrubbed = Secrets.scrub(error);
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setInt(1, attempt);
            ps.setString(2, sqlState);
            ps.setString(3, scrubbed);
            ps.setLong(4, elapsedMillis);
            ps.setString(5, owner);
            ps.setLong(6, lease.toMillis());
            ps.setLong(7, ch.id());
            ps.setInt(8, attempt);
            ps.setString(9, kind);
            ps.setString(10, sqlState);
            ps.setString(11, scrubbed);
            ps.setLong(12, elapsedMillis);
            ps.executeUpdate();
        }
    }

    /**
     * Replaces a chunk this owner holds by its two halves [start, middle) and [middle, end), which
     * point back to it; the parent keeps its history with status SPLIT.
     */
    public void split(Chunk ch, Instant middle, String owner) throws SQLException {
        Transactions.inTransaction(dataSource, c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + chunk + " SET status = 'SPLIT', lease_until = NULL, finished_at = now(), updated_at = now()"
                    + " WHERE id = ? AND owner = ? AND status = 'RUNNING'")) {
                ps.setLong(1, ch.id());
                ps.setString(2, owner);
                if (ps.executeUpdate() != 1) {
                    throw new LeaseLostException(ch, owner);
                }
            }
            // the halves stay in the parent's replay batch, if any
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + chunk + " (job, ship_id, window_start, window_end, parent_id, replay_batch)"
                    + " SELECT ?, ?, ?, ?, id, replay_batch FROM " + chunk + " WHERE id = ?")) {
                for (Instant[] half : new Instant[][] {{ch.start(), middle}, {middle, ch.end()}}) {
                    ps.setString(1, job);
                    ps.setString(2, ch.ship());
                    ps.setObject(3, utc(half[0]));
                    ps.setObject(4, utc(half[1]));
                    ps.setLong(5, ch.id());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        });
    }

    /**
     * Marks a chunk FAILED and files its dead letter, in one transaction. The dead letter keeps the
     * ledger's attempt count and the last failure's SQLState and message.
     */
    public void fail(Chunk ch, String owner, String sqlState, String error, long elapsedMillis, String deadLetterTable) throws SQLException {
        Transactions.inTransaction(dataSource, c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + deadLetterTable
                    + " (job, chunk_id, ship_id, window_start, window_end, attempts, sql_state, error, elapsed_ms)"
                    + " SELECT job, id, ship_id, window_start, window_end, attempts, ?, ?, ? FROM " + chunk
                    + " WHERE id = ? AND owner = ? AND status = 'RUNNING'")) {
                ps.setString(1, sqlState);
                ps.setString(2, Secrets.scrub(error));
                ps.setLong(3, elapsedMillis);
                ps.setLong(4, ch.id());
                ps.setString(5, owner);
                if (ps.executeUpdate() != 1) {
                    throw new LeaseLostException(ch, owner);
                }
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + chunk + " SET status = 'FAILED', lease_until = NULL, finished_at = now(),"
                    + " last_sql_state = ?, last_error = ?, updated_at = now() WHERE id = ?")) {
                ps.setString(1, sqlState);
                ps.setString(2, Secrets.scrub(error));
                ps.setLong(3, ch.id());
                ps.executeUpdate();
            }
        });
    }

    /** Extends the leases of the given chunks, where this owner still holds them. Returns how many. */
    public int renewLeases(String owner, Long[] chunkIds, Duration lease) throws SQLException {
        if (chunkIds.length == 0) {
            return 0;
        }
        String sql = "UPDATE " + chunk + " SET lease_until = now() + ? * interval '1 millisecond'"
                + " WHERE id = ANY (?) AND owner = ? AND status = 'RUNNING'";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, lease.toMillis());
            ps.setArray(2, c.createArrayOf("int8", chunkIds));
            ps.setString(3, owner);
            return ps.executeUpdate();
        }
    }

    /**
     * Hands every chunk this owner still holds back to the ledger as PENDING (attempts kept). Only
     * safe once this process can no longer commit a chunk: after its read and write pools are closed.
     */
    public int releaseOwned(String owner) throws SQLException {
        String sql = "UPDATE " + chunk + " SET status = 'PENDING', owner = NULL, lease_until = NULL, updated_at = now()"
                + " WHERE owner = ? AND status = 'RUNNING'";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, owner);
            return ps.executeUpdate();
        }
    }

    /** Chunks of the given ships overlapping [from, to) (of the replay batch, if given) still to do: PENDING or RUNNING. */
    public long unfinished(List<String> ships, Instant from, Instant to, String batch) throws SQLException {
        return countIn("status IN ('PENDING', 'RUNNING')", ships, from, to, batch);
    }

    public long failed(List<String> ships, Instant from, Instant to, String batch) throws SQLException {
        return countIn("status = 'FAILED'", ships, from, to, batch);
    }

    /**
     * Whether any chunk of the given ships overlapping [from, to) (of the replay batch, if given) is
     * still to do. An index probe per ship at most, however many chunks are done: it runs after
     * finished chunks at the end of a run.
     */
    public boolean anyUnfinished(List<String> ships, Instant from, Instant to, String batch) throws SQLException {
        String sql = "SELECT EXISTS (SELECT 1 FROM " + chunk + " WHERE job = ? AND ship_id = ANY (?) AND status IN ('PENDING', 'RUNNING')"
                + " AND window_start < ? AND window_end > ? AND (?::text IS NULL OR replay_batch = ?))";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, job);
            ps.setArray(2, c.createArrayOf("text", ships.toArray()));
            ps.setObject(3, utc(to));
            ps.setObject(4, utc(from));
            ps.setString(5, batch);
            ps.setString(6, batch);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /**
     * The given ships that are finished: every chunk DONE (split parents count as their halves),
     * at least one chunk. Index probes per ship, not a count of its chunks.
     */
    public List<String> finishedShips(java.util.Collection<String> ships) throws SQLException {
        String sql = "SELECT s FROM unnest(CAST(? AS text[])) AS s"
                + " WHERE NOT EXISTS (SELECT 1 FROM " + chunk + " WHERE job = ? AND ship_id = s AND status IN ('PENDING', 'RUNNING'))"
                + "   AND NOT EXISTS (SELECT 1 FROM " + chunk + " WHERE job = ? AND ship_id = s AND status = 'FAILED')"
                + "   AND EXISTS (SELECT 1 FROM " + chunk + " WHERE job = ? AND ship_id = s)";
        List<String> finished = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, c.createArrayOf("text", ships.toArray()));
            ps.setString(2, job);
            ps.setString(3, job);
            ps.setString(4, job);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    finished.add(rs.getString(1));
                }
            }
        }
        return finished;
    }

    private long countIn(String condition, List<String> ships, Instant from, Instant to, String batch) throws SQLException {
        String sql = "SELECT count(*) FROM " + chunk + " WHERE job = ? AND ship_id = ANY (?) AND window_end > ? AND window_start < ?"
                + " AND (?::text IS NULL OR replay_batch = ?) AND " + condition;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, job);
            ps.setArray(2, c.createArrayOf("text", ships.toArray()));
            ps.setObject(3, utc(from));
            ps.setObject(4, utc(to));
            ps.setString(5, batch);
            ps.setString(6, batch);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    static Chunk chunkFrom(ResultSet rs) throws SQLException {
        return new Chunk(rs.getLong(1), rs.getString(2), rs.getTimestamp(3).toInstant(), rs.getTimestamp(4).toInstant(), rs.getInt(5),
                rs.getTimestamp(6).toInstant());
    }

    static java.time.OffsetDateTime utc(Instant instant) {
        return java.time.OffsetDateTime.ofInstant(instant, java.time.ZoneOffset.UTC);
    }
}
