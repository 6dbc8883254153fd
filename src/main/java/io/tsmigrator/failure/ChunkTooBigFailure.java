package io.tsmigrator.failure;

import io.tsmigrator.ledger.Chunk;

/** A chunk ran into a time limit; it is replaced in the ledger by its two halves. */
public class ChunkTooBigFailure extends ChunkFailure {

    public ChunkTooBigFailure(Chunk chunk, int attempt, String sqlState, String reason, long elapsedMillis) {
        super(FailureKind.TOO_BIG, chunk, attempt, sqlState, reason, elapsedMillis);
    }
}
