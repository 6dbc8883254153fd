package io.tsmigrator.observe;

import java.time.Duration;

/**
 * The time left at the recent pace. Honest rather than early: unknown until at least
 * {@link #MIN_CHUNKS} chunks have finished over at least {@link #MIN_SPAN} in the recent window, so
 * the first chunks' warm-up or a restart's first seconds do not promise a date.
 */
public final class Eta {

    static final int MIN_CHUNKS = 5;
    static final Duration MIN_SPAN = Duration.ofSeconds(10);

    private Eta() {
    }

    /**
     * @param remaining chunks pending or running
     * @param recentlyDone chunks finished in the recent window
     * @param recentSpan from the start of the earliest of those chunks to now
     * @return the time left, zero when nothing remains, or null when unknown
     */
    public static Duration of(long remaining, long recentlyDone, Duration recentSpan) {
        if (remaining == 0) {
            return Duration.ZERO;
        }
        if (recentlyDone < MIN_CHUNKS || recentSpan == null || recentSpan.compareTo(MIN_SPAN) < 0) {
            return null;
        }
        double secondsPerChunk = recentSpan.toMillis() / 1000.0 / recentlyDone;
        return Duration.ofSeconds(Math.round(remaining * secondsPerChunk));
    }
}
