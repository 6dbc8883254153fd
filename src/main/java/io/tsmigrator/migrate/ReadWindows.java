package io.tsmigrator.migrate;

import io.tsmigrator.ledger.ChunkWindows;

import java.time.Duration;
import java.time.Instant;

/**
 * Cuts a chunk into the read windows it is pivoted in, one after the other, so that a consumer's
 * memory depends on the read window, never on the chunk size: a six-hour chunk costs what a one-hour
 * one does. Windows are aligned like chunks (hours start on the hour). While a window is read, the
 * server stores the previous one's rows from the open COPY, so smaller windows overlap more; each
 * window costs its own statements (two round trips), so they should not be small either: an hour
 * was as fast as a quarter-hour on a local server and faster through network latency. A window whose pivot held
 * more than {@link #MAX_CELLS} cells (readings denser than about 3 Hz at 93 channels in an hour)
 * halves the next one; sparse ones let it grow back to the base size.
 */
final class ReadWindows {

    /** The largest read window. */
    static final Duration BASE = Duration.ofHours(1);
    /** Cells (wide rows x channels) a window may fill before the next is halved: 8 MB of doubles. */
    static final int MAX_CELLS = 1 << 20;
    private static final long MIN_MICROS = 1000;

    private final long end;
    private final int maxRows;
    private final long baseMicros;
    private long cursor;
    private long size;

    ReadWindows(Instant start, Instant end, int channels) {
        this(start, end, channels, BASE);
    }

    ReadWindows(Instant start, Instant end, int channels, Duration base) {
        this.baseMicros = base.toNanos() / 1000;
        this.size = baseMicros;
        this.cursor = ChunkWindows.micros(start);
        this.end = ChunkWindows.micros(end);
        this.maxRows = Math.max(256, MAX_CELLS / Math.max(1, channels));
    }

    boolean hasNext() {
        return cursor < end;
    }

    /** The next window, {start, end}; call {@link #observed} with its wide rows before the next. */
    Instant[] next() {
        long boundary = Math.floorDiv(cursor, size) * size + size;
        long next = Math.min(boundary, end);
        Instant[] window = {ChunkWindows.instant(cursor), ChunkWindows.instant(next)};
        cursor = next;
        return window;
    }

    void observed(int wideRows) {
        if (wideRows > maxRows && size > MIN_MICROS) {
            size = Math.max(MIN_MICROS, size / 2);
        } else if (wideRows < maxRows / 4 && size < baseMicros) {
            size = Math.min(baseMicros, size * 2);
        }
    }
}
