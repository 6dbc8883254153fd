package io.tsmigrator.observe;

import java.time.Duration;

/**
 * When a figure read from the ledger may be read again: not before {@code maxAge}, and not before
 * {@link #SHARE} times as long as its last read took has passed. Whole-ledger aggregates grow with
 * the ledger; this keeps what the status page, the metrics and the progress line cost the server
 * to a small share of one core however many chunks the ledger holds and however many pages poll.
 */
final class ReadBudget {

    /** A read may take at most one part in this many of the server's time. */
    static final int SHARE = 20;

    private long readAt;
    private long took;
    private boolean read;

    /** Whether the value of the last {@link #reading} is too old; times are {@link System#nanoTime()}. */
    boolean due(long now, Duration maxAge) {
        return !read || now - readAt > Math.max(maxAge.toNanos(), took * SHARE);
    }

    /** Records a read that ran from {@code started} to {@code ended}. */
    void reading(long started, long ended) {
        read = true;
        readAt = started;
        took = ended - started;
    }
}
