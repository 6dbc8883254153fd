package io.tsmigrator.deadletter;

import java.time.Instant;

/** A row of {@code <control-schema>.dead_letter}: a chunk that failed for good, and what became of its replay. */
public record DeadLetter(long id, long chunkId, String ship, Instant start, Instant end, int attempts, String sqlState,
                         String error, Instant failedAt, Instant replayedAt, String replayOutcome) {

    public String describe() {
        return "dead letter " + id + " (ship " + ship + " " + window() + ")";
    }

    /** "[start, end)", as every listing of dead letters shows the window. */
    public String window() {
        return "[" + start + ", " + end + ")";
    }
}
