package io.tsmigrator.report;

import io.tsmigrator.deadletter.DeadLetter;
import io.tsmigrator.deadletter.DeadLetterSelection;
import io.tsmigrator.ledger.ControlSchema;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads what {@code report} shows from the ledger, the failure history and the dead letters of one job. */
public final class LedgerReport {

    /** @param skippedRows readings left out because the mapping does not name their channel ({@code unmapped=skip}) */
    public record ShipStatus(String ship, long chunks, long done, long failed, long pending, long running, long splits,
                             long retries, long narrowRows, long wideRows, long skippedRows) {

        public double progress() {
            return chunks == 0 ? 0 : 100.0 * done / chunks;
        }
    }

    public record Durations(long done, long minMillis, double medianMillis, double meanMillis, long maxMillis) {
    }

    public record FailureGroup(String sqlState, String kind, String error, long count) {
    }

    /**
     * @param replayOutcomes replayed dead letters per outcome (done, failed, queued), in that order
     * @param latestDeadLetters the most recent dead letters, newest first, with their replay outcome
     */
    public record Report(String job, List<ShipStatus> ships, Durations durations, List<FailureGroup> failures,
                         long openDeadLetters, long deadLetters, Map<String, Long> replayOutcomes, List<DeadLetter> latestDeadLetters,
                         java.util.Optional<FixedCutoff.Signature> cutoff) {
    }

    /** How many dead letters the table lists; older ones stay in the table. */
    public static final int LATEST_DEAD_LETTERS = 20;

    private final DataSource dataSource;
    private final ControlSchema schema;

    public LedgerReport(DataSource dataSource, ControlSchema schema) {
        this.dataSource = dataSource;
        this.schema = schema;
    }

    /** Null when the target database has no ledger in the control schema yet. */
    public Report read(String job) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            if (!exists(c, schema.table("chunk")) || !exists(c, schema.table("failure"))) {
                return null;
            }
            List<ShipStatus> ships = new ArrayList<>();
            // a ledger written before rows_skipped existed has none to report
            String skipped = hasColumn(c, schema.table("chunk"), "rows_skipped") ? "coalesce(sum(rows_skipped), 0)" : "0";
            query(c, "SELECT ship_id, count(*) FILTER (WHERE status <> 'SPLIT'), count(*) FILTER (WHERE status = 'DONE'),"
                    + " count(*) FILTER (WHERE status = 'FAILED'), count(*) FILTER (WHERE status = 'PENDING'),"
                    + " count(*) FILTER (WHERE status = 'RUNNING'), count(*) FILTER (WHERE status = 'SPLIT'),"
                    + " coalesce(sum(attempts - 1) FILTER (WHERE attempts > 1), 0), coalesce(sum(rows_read), 0), coalesce(sum(rows_written), 0), "
                    + skipped + " FROM " + schema.table("chunk") + " WHERE job = ? GROUP BY ship_id ORDER BY ship_id", job, rs -> ships.add(new ShipStatus(
                    rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6), rs.getLong(7),
                    rs.getLong(8), rs.getLong(9), rs.getLong(10), rs.getLong(11))));
            Durations[] durations = new Durations[1];
            query(c, "SELECT count(*), coalesce(min(elapsed_ms), 0), coalesce(percentile_cont(0.5) WITHIN GROUP (ORDER BY elapsed_ms), 0),"
                    + " coalesce(avg(elapsed_ms), 0), coalesce(max(elapsed_ms), 0) FROM " + schema.table("chunk")
                    + " WHERE job = ? AND status = 'DONE'", job, rs -> durations[0] = new Durations(rs.getLong(1), rs.getLong(2),
                    rs.getDouble(3), rs.getDouble(4), rs.getLong(5)));
            List<FailureGroup> failures = new ArrayList<>();
            query(c, "SELECT coalesce(sql_state, '-'), kind, left(regexp_replace(error, '\\s+', ' ', 'g'), 160), count(*) FROM " + schema.table("failure")
                    + " WHERE job = ? GROUP BY 1, 2, 3 ORDER BY 4 DESC, 1 LIMIT 10", job,
                    rs -> failures.add(new FailureGroup(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4))));
            List<Long> elapsed = new ArrayList<>();
            query(c, "SELECT elapsed_ms FROM " + schema.table("failure") + " WHERE job = ?", job, rs -> elapsed.add(rs.getLong(1)));
            long[] letters = new long[2];
            query(c, "SELECT count(*) FILTER (WHERE replayed_at IS NULL), count(*) FROM " + schema.table("dead_letter") + " WHERE job = ?",
                    job, rs -> {
                        letters[0] = rs.getLong(1);
                        letters[1] = rs.getLong(2);
                    });
            Map<String, Long> outcomes = new LinkedHashMap<>();
            query(c, "SELECT replay_outcome, count(*) FROM " + schema.table("dead_letter") + " WHERE job = ? AND replay_outcome IS NOT NULL"
                    + " GROUP BY 1 ORDER BY 1", job, rs -> outcomes.put(rs.getString(1), rs.getLong(2)));
            List<DeadLetter> latest = new DeadLetterSelection(dataSource, schema, job).latest(LATEST_DEAD_LETTERS);
            return new Report(job, ships, durations[0], failures, letters[0], letters[1], outcomes, latest, FixedCutoff.find(elapsed));
        }
    }

    private interface Row {
        void accept(ResultSet rs) throws SQLException;
    }

    private static void query(Connection c, String sql, String job, Row row) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, job);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    row.accept(rs);
                }
            }
        }
    }

    private static boolean hasColumn(Connection c, String table, String column) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass(?)"
                + " AND attname = ? AND NOT attisdropped)")) {
            ps.setString(1, table);
            ps.setString(2, column);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private static boolean exists(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }
}
