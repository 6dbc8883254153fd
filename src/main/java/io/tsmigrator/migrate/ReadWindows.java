package io.tsmigrator.migrate;

import io.tsmigrator.ledger.ChunkWindows;

import java.time.Duration;
import java.time.Instant;

/**
 * Cuts a chunk into the read windows it is pivoted in, one after the other, so that a consumer's
 * memory depends on the read window, never on the chunk size: a six-hour chunk costs what a
 * quarter-hour one does. Windows are aligned like chunks (quarter-hours start on the quarter). While
 * a window is read, the server stores the previous one's rows from the open COPY, so smaller windows
 * overlap more; each window costs one more query, so they should not be much smaller either (an hour
 * was slower here, both direct and through 2 ms of latency). A window whose pivot held more than
 * {@link #MAX_CELLS} cells (readings denser than about 12 Hz at 93 channels) halves the next one;
 * sparse ones let it grow back to {@link #BASE}.
 */
final class ReadWindows {

    static final Duration BASE = Duration.ofMinutes(15);
    /** Cells (wide rows x channels) a window may fill before the next is halved: 8 MB of doubles. */
    static final int MAX_CELLS = 1 << 20;
    private static final long BASE_MICROS = BASE.toNanos() / 1000;
    private static final long MIN_MICROS = 1000;

    private final long end;
    private final int maxRows;
    private long cursor;
    private long size = BASE_MICROS;

    ReadWindows(Instant start, Instant end, int channels) {
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
        } else if (wideRows < maxRows / 4 && size < BASE_MICROS) {
            size = Math.min(BASE_MICROS, size * 2);
        }
    }
}
