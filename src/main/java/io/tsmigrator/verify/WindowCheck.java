package io.tsmigrator.verify;

import java.time.Instant;

/**
 * One window compared: source timestamps vs wide rows, and source (time, channel) pairs with a
 * non-NULL value vs non-NULL wide cells.
 */
public record WindowCheck(String ship, Instant start, Instant end, long sourceTimestamps, long wideRows,
                          long sourceValues, long wideCells) {

    public boolean matches() {
        return sourceTimestamps == wideRows && sourceValues == wideCells;
    }
}
