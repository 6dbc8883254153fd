package io.tsmigrator.ledger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a time range into chunk windows aligned to multiples of the chunk size since the Unix epoch
 * (hourly chunks start on the hour), so that plans made at different times line up. The first and
 * last window are clipped to the range.
 */
public final class ChunkWindows {

    private ChunkWindows() {
    }

    public static List<Instant[]> cut(Instant from, Instant to, Duration size) {
        long sizeMicros = micros(size);
        long end = micros(to);
        List<Instant[]> windows = new ArrayList<>();
        long cursor = micros(from);
        while (cursor < end) {
            long boundary = Math.floorDiv(cursor, sizeMicros) * sizeMicros + sizeMicros;
            long next = Math.min(boundary, end);
            windows.add(new Instant[] {instant(cursor), instant(next)});
            cursor = next;
        }
        return windows;
    }

    /** The middle of a window, on a whole microsecond; null when the window cannot be halved to {@code min}. */
    public static Instant middle(Instant start, Instant end, Duration min) {
        long s = micros(start);
        long e = micros(end);
        long half = (e - s) / 2;
        if (half < micros(min)) {
            return null;
        }
        return instant(s + half);
    }

    public static long micros(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1000);
    }

    public static long micros(Duration duration) {
        return Math.max(1, duration.toNanos() / 1000);
    }

    public static Instant instant(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
    }
}
