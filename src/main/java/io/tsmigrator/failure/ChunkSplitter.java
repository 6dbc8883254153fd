package io.tsmigrator.failure;

import io.tsmigrator.ledger.Chunk;
import io.tsmigrator.ledger.ChunkLedger;
import io.tsmigrator.ledger.ChunkWindows;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;

/**
 * Shrinks work that outgrew a server or network limit: a chunk classified too big is replaced in
 * the ledger by its two halves, which the planner's claims pick up like any other chunk. A chunk
 * whose halves would be shorter than {@code Settings.MIN_CHUNK_SIZE} cannot shrink further and is
 * dead-lettered with the cause.
 */
public class ChunkSplitter {

    private static final Logger LOG = LoggerFactory.getLogger(ChunkSplitter.class);

    private final ChunkLedger ledger;
    private final FailureRecord deadLetters;
    private final Duration minChunkSize;
    private final String owner;

    public ChunkSplitter(ChunkLedger ledger, FailureRecord deadLetters, Duration minChunkSize, String owner) {
        this.ledger = ledger;
        this.deadLetters = deadLetters;
        this.minChunkSize = minChunkSize;
        this.owner = owner;
    }

    public void split(Chunk chunk, ChunkFailure cause) throws SQLException {
        Instant middle = ChunkWindows.middle(chunk.start(), chunk.end(), minChunkSize);
        if (middle == null) {
            deadLetters.record(chunk, new PermanentChunkFailure(chunk, chunk.attempts() + 1, cause.sqlState(),
                    "too big for the server's limits and cannot be split below " + minChunkSize + ": " + cause.reason(), cause.elapsedMillis()));
            return;
        }
        ledger.split(chunk, middle, owner);
        LOG.warn("{}: split at {} after {} ms ({})", chunk.describe(), middle, cause.elapsedMillis(), cause.reason());
    }
}
