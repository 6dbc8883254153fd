package io.tsmigrator.ledger;

/**
 * This process no longer holds a chunk it was working on: its lease expired (the process was
 * paused or cut off longer than {@code migrator.lease}) and another process may have claimed it, or
 * an earlier attempt did commit but the connection died before the commit was acknowledged. Either
 * way the work in hand is rolled back and the chunk left as the ledger says.
 */
public class LeaseLostException extends RuntimeException {

    public LeaseLostException(Chunk chunk, String owner) {
        super(chunk + " is no longer running under " + owner + " (already done, or its lease expired); leaving it as the ledger says");
    }
}
