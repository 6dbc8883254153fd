package io.tsmigrator.observe;

import io.tsmigrator.ledger.ControlSchema;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a job's {@link Progress} from the ledger in one aggregate over the job's chunks, plus the
 * recently finished chunks through the finished-at index, the open dead letters through theirs and
 * the changed windows waiting (accepted change-capture marks, one row each). The lag it computes is
 * the one figure the log, report, status page and metrics show, in follow mode too.
 * One call per progress line or status request, never per chunk.
 */
public final class ProgressQuery {

    /** The window the ETA's pace is measured over. */
    static final Duration RECENT = Duration.ofMinutes(5);

    private final DataSource dataSource;
    private final String chunk;
    private final String deadLetter;
    private final String remigration;
    private final String job;

    /** @param captures whether the job captures changes (then the changed windows waiting are counted) */
    public ProgressQuery(DataSource dataSource, ControlSchema schema, String job, boolean captures) {
        this.dataSource = dataSource;
        this.chunk = schema.table("chunk");
        this.deadLetter = schema.table("dead_letter");
        this.remigration = captures ? schema.table("remigration") : null;
        this.job = job;
    }

    public Progress read() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            Instant now;
            Timestamp firstStarted = null;
            Timestamp lastFinished = null;
            List<ShipProgress> ships = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT ship_id, count(*) FILTER (WHERE status <> 'SPLIT'),"
                    + " count(*) FILTER (WHERE status = 'DONE'), count(*) FILTER (WHERE status = 'FAILED'),"
                    + " count(*) FILTER (WHERE status = 'PENDING'), count(*) FILTER (WHERE status = 'RUNNING'),"
                    + " count(*) FILTER (WHERE status = 'SPLIT'), coalesce(sum(attempts - 1) FILTER (WHERE attempts > 1), 0),"
                    + " coalesce(sum(rows_read) FILTER (WHERE status = 'DONE'), 0), coalesce(sum(rows_written) FILTER (WHERE status = 'DONE'), 0),"
                    + " max(window_end) FILTER (WHERE status = 'DONE'), min(started_at), max(finished_at) FILTER (WHERE status = 'DONE'), now()"
                    + " FROM " + chunk + " WHERE job = ? GROUP BY ship_id ORDER BY ship_id")) {
                ps.setString(1, job);
                now = null;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Timestamp newest = rs.getTimestamp(11);
                        ships.add(new ShipProgress(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                                rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getLong(9), rs.getLong(10),
                                newest == null ? null : newest.toInstant()));
                        firstStarted = earliest(firstStarted, rs.getTimestamp(12));
                        lastFinished = latest(lastFinished, rs.getTimestamp(13));
                        now = rs.getTimestamp(14).toInstant();
                    }
                }
            }
            Recent recent = recent(c);
            if (now == null) {
                now = recent.now();
            }
            long narrow = ships.stream().mapToLong(ShipProgress::narrowRows).sum();
            double sinceStart = 0;
            if (firstStarted != null && lastFinished != null && lastFinished.after(firstStarted)) {
                sinceStart = narrow / ((lastFinished.getTime() - firstStarted.getTime()) / 1000.0);
            }
            // a job younger than a minute has had less than a minute to read its rows
            double minuteSeconds = 60;
            if (firstStarted != null) {
                minuteSeconds = Math.max(1, Math.min(60, (now.toEpochMilli() - firstStarted.getTime()) / 1000.0));
            }
            long remaining = ships.stream().mapToLong(s -> s.pending() + s.running()).sum();
            Duration eta = Eta.of(remaining, recent.chunks(), recent.span());
            Instant newest = ships.stream().map(ShipProgress::newestDone).filter(java.util.Objects::nonNull).min(Instant::compareTo).orElse(null);
            Duration lag = newest == null ? null : Duration.between(newest, now);
            return new Progress(now, ships, recent.rowsLastMinute() / minuteSeconds, sinceStart, eta, openDeadLetters(c), lag,
                    remigration == null ? null : changedWindows(c));
        }
    }

    private record Recent(long chunks, Duration span, long rowsLastMinute, Instant now) {
    }

    private Recent recent(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*), extract(epoch FROM now() - min(coalesce(attempt_started_at, finished_at))),"
                + " coalesce(sum(rows_read) FILTER (WHERE finished_at > now() - interval '1 minute'), 0), now() FROM " + chunk
                + " WHERE job = ? AND status = 'DONE' AND finished_at > now() - ? * interval '1 second'")) {
            ps.setString(1, job);
            ps.setLong(2, RECENT.toSeconds());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                double span = rs.getDouble(2);
                Duration recentSpan = rs.wasNull() ? null : Duration.ofMillis(Math.round(span * 1000));
                return new Recent(rs.getLong(1), recentSpan, rs.getLong(3), rs.getTimestamp(4).toInstant());
            }
        }
    }

    private long openDeadLetters(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + deadLetter + " WHERE job = ? AND replayed_at IS NULL")) {
            ps.setString(1, job);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The marks accepted for re-migration whose windows are not all done again yet (ledger/Remigrations keeps them). */
    private Map<String, Long> changedWindows(Connection c) throws SQLException {
        Map<String, Long> waiting = new TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT ship_id, count(*) FROM " + remigration + " WHERE job = ? GROUP BY ship_id")) {
            ps.setString(1, job);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    waiting.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return waiting;
    }

    private static Timestamp earliest(Timestamp a, Timestamp b) {
        return a == null ? b : b == null || a.before(b) ? a : b;
    }

    private static Timestamp latest(Timestamp a, Timestamp b) {
        return a == null ? b : b == null || a.after(b) ? a : b;
    }
}
