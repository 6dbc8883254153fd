package io.tsmigrator.ledger;

/**
 * This process no longer holds a chunk it was working on: its lease expired (the process was
 * paused or cut off longer than {@code migrator.lease}) and another process may have claimed it.
 * The work in hand is rolled back and the chunk left to its new owner.
 */
public class LeaseLostException extends RuntimeException {

    public LeaseLostException(Chunk chunk, String owner) {
        super(chunk + " is no longer held by " + owner + " (lease expired); its work here was rolled back");
    }
}
