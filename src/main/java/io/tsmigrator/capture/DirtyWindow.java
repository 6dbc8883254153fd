package io.tsmigrator.capture;

import java.time.Instant;

/**
 * A window of a ship whose source rows changed since its mark was last cleared.
 *
 * @param ship        the ship id as text ({@code ship_id::text} of the source)
 * @param windowStart the window's start, aligned to the chunk size the trigger marked with
 * @param windowEnd   its end: start plus that chunk size (a mark made before the chunk size changed keeps its own)
 * @param version     the mark's version; a later change of the window gives it a higher one
 */
public record DirtyWindow(String ship, Instant windowStart, Instant windowEnd, long version) {
}
