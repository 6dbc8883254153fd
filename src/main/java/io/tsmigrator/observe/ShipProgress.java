package io.tsmigrator.observe;

import java.time.Instant;

/**
 * One ship's chunks and rows, from the ledger. {@code chunks} counts the windows to do (a split
 * chunk counts as its halves).
 *
 * @param newestDone the end of the latest window migrated, or null before the first
 */
public record ShipProgress(String ship, long chunks, long done, long failed, long pending, long running, long splits,
                           long retries, long narrowRows, long wideRows, Instant newestDone) {

    public double percent() {
        return chunks == 0 ? 0 : 100.0 * done / chunks;
    }
}
