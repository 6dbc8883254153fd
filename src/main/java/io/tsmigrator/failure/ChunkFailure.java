package io.tsmigrator.failure;

import io.tsmigrator.ledger.Chunk;

/**
 * A chunk attempt failed; the subclass says what the routes do about it (see {@link FailureKind}).
 * The message names the chunk, the attempt and the SQLState, and never holds a password.
 */
public class ChunkFailure extends Exception {

    private final FailureKind kind;
    private final String sqlState;
    private final String reason;
    private final long elapsedMillis;

    public ChunkFailure(FailureKind kind, Chunk chunk, int attempt, String sqlState, String reason, long elapsedMillis) {
        super(chunk.describe() + " attempt " + attempt + " failed after " + elapsedMillis + " ms"
                + (sqlState == null ? "" : " [SQLState " + sqlState + "]") + ": " + reason);
        this.kind = kind;
        this.sqlState = sqlState;
        this.reason = reason;
        this.elapsedMillis = elapsedMillis;
    }

    public FailureKind kind() {
        return kind;
    }

    public String sqlState() {
        return sqlState;
    }

    public String reason() {
        return reason;
    }

    public long elapsedMillis() {
        return elapsedMillis;
    }

    public static ChunkFailure of(FailureKind kind, Chunk chunk, int attempt, String sqlState, String reason, long elapsedMillis) {
        return switch (kind) {
            case PERMANENT -> new PermanentChunkFailure(chunk, attempt, sqlState, reason, elapsedMillis);
            case TOO_BIG -> new ChunkTooBigFailure(chunk, attempt, sqlState, reason, elapsedMillis);
            case TRANSIENT, UNKNOWN -> new ChunkFailure(kind, chunk, attempt, sqlState, reason, elapsedMillis);
        };
    }
}
