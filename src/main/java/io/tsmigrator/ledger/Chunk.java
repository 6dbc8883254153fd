package io.tsmigrator.ledger;

import java.time.Instant;

/**
 * One unit of work: a ship's readings in the half-open window [start, end). Chunks, not rows, are
 * the messages that travel through the routes.
 *
 * @param attempts attempts already begun before this one (from the ledger at claim time)
 * @param claimedAt when the ledger granted the claim this message carries (null for a chunk not
 *                  claimed, e.g. a probe): a later claim of the chunk, by any process, changes it
 */
public record Chunk(long id, String ship, Instant start, Instant end, int attempts, Instant claimedAt) {

    /** A window not claimed from the ledger (a sample, a probe). */
    public Chunk(long id, String ship, Instant start, Instant end, int attempts) {
        this(id, ship, start, end, attempts, null);
    }

    /** "ship 7 [2024-01-01T00:00:00Z, 2024-01-01T01:00:00Z)": the form every log line and error uses. */
    public String describe() {
        return "ship " + ship + " [" + start + ", " + end + ")";
    }

    @Override
    public String toString() {
        return "chunk " + id + " " + describe();
    }
}
