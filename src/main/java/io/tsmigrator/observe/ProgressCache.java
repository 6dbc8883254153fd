package io.tsmigrator.observe;

import java.sql.SQLException;
import java.time.Duration;

/**
 * The latest {@link Progress}, shared by the progress line, the status API and the metrics, so that
 * however many ask, the ledger is aggregated at most once per {@code maxAge}.
 */
public final class ProgressCache {

    private final ProgressQuery query;
    private Progress last;
    private long readAt;

    public ProgressCache(ProgressQuery query) {
        this.query = query;
    }

    public synchronized Progress get(Duration maxAge) throws SQLException {
        long now = System.nanoTime();
        if (last == null || now - readAt > maxAge.toNanos()) {
            last = query.read();
            readAt = now;
        }
        return last;
    }

    /** The latest progress read, or null before the first read. */
    public synchronized Progress last() {
        return last;
    }
}
