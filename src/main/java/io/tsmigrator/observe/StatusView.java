package io.tsmigrator.observe;

import java.util.List;

/**
 * The JSON of {@code GET /api/status}. Times are ISO-8601 strings, durations seconds; a figure
 * not known yet is null.
 *
 * @param state running, paused, throttled, held (replica lag) or finished
 * @param reason why claims are held back, or null
 * @param eta seconds left at the recent pace, or null while unknown
 * @param lag seconds from the newest migrated reading's window to now, the largest over the ships
 * @param changedWindowsWaiting windows change capture has marked and not yet migrated again; null without change capture
 */
public record StatusView(String state, String reason, String job, String at, Chunks chunks, long narrowRows, long wideRows,
                         double rowsPerSecond, double rowsPerSecondSinceStart, Long eta, Double lag, Long changedWindowsWaiting,
                         long retries, long splits,
                         DeadLetters deadLetters, Controls controls, ReplicaLag replicaLag, List<Ship> ships,
                         List<Worker> workers, List<Point> throughput) {

    public record Chunks(long done, long total, long pending, long running, long failed, long splits) {
    }

    /** @param changedWindowsWaiting windows change capture has marked and not yet re-migrated; null without change capture */
    public record Ship(String ship, long chunksDone, long chunksTotal, long running, long failed, long narrowRows, long wideRows,
                       Double lag, Long changedWindowsWaiting) {
    }

    public record DeadLetters(long open, List<DeadLetter> latest) {
    }

    public record DeadLetter(long id, String ship, String window, int attempts, String sqlState, String error, String failedAt) {
    }

    /** @param enabled whether a token is configured (without one the controls are disabled) */
    public record Controls(boolean enabled, boolean paused, Long maxRowsPerSecond, Integer maxLanes) {
    }

    /** @param watched whether migrator.throttle.max-replica-lag is set */
    public record ReplicaLag(boolean watched, Double seconds, Double maxSeconds) {
    }

    public record Worker(String id, String host, long pid, boolean alive, String lastSeen, int chunksInHand, double rowsPerSecond,
                         boolean self) {
    }

    /** @param t the bucket's start, epoch seconds */
    public record Point(long t, double rowsPerSecond) {
    }
}
