package io.tsmigrator.migrate;

import io.tsmigrator.plan.ChunkWindows;

import java.time.Duration;
import java.time.Instant;

/**
 * Cuts a chunk into the read windows it is pivoted in, one after the other, so that a consumer's
 * memory depends on the read window, never on the chunk size: a six-hour chunk costs what a
 * quarter-hour one does. Windows are aligned like chunks (quarter-hours start on the quarter). A
 * window that produced more wide rows than {@link #MAX_ROWS} (readings far denser than once a
 * second) halves the next one; sparse ones let it grow back to {@link #BASE}.
 */
final class ReadWindows {

    static final Duration BASE = Duration.ofMinutes(15);
    static final int MAX_ROWS = 8192;
    private static final long BASE_MICROS = BASE.toNanos() / 1000;
    private static final long MIN_MICROS = 1000;

    private final long end;
    private long cursor;
    private long size = BASE_MICROS;

    ReadWindows(Instant start, Instant end) {
        this.cursor = ChunkWindows.micros(start);
        this.end = ChunkWindows.micros(end);
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
        if (wideRows > MAX_ROWS && size > MIN_MICROS) {
            size = Math.max(MIN_MICROS, size / 2);
        } else if (wideRows < MAX_ROWS / 4 && size < BASE_MICROS) {
            size = Math.min(BASE_MICROS, size * 2);
        }
    }
}
