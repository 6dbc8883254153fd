package io.tsmigrator.verify;

import java.time.Instant;

/** A DONE leaf chunk of the ledger, the unit verify compares; {@code rowsRead} sizes the batches. */
public record LedgerWindow(long chunkId, String ship, Instant start, Instant end, long rowsRead) {
}
