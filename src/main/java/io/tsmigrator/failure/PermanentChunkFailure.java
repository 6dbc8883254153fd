package io.tsmigrator.failure;

import io.tsmigrator.ledger.Chunk;

/** A chunk failed in a way retries cannot fix; it goes to the dead letters at once. */
public class PermanentChunkFailure extends ChunkFailure {

    public PermanentChunkFailure(Chunk chunk, int attempt, String sqlState, String reason, long elapsedMillis) {
        super(FailureKind.PERMANENT, chunk, attempt, sqlState, reason, elapsedMillis);
    }
}
