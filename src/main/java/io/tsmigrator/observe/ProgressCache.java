package io.tsmigrator.observe;

import java.sql.SQLException;
import java.time.Duration;

/**
 * The latest {@link Progress}, shared by the progress line, the status API and the metrics, so that
 * however many ask, the ledger is aggregated at most once per {@code maxAge} (less often on a ledger
 * so large that the aggregate takes long: {@link ReadBudget}).
 */
public final class ProgressCache {

    private final ProgressQuery query;
    private final ReadBudget budget = new ReadBudget();
    private Progress last;

    public ProgressCache(ProgressQuery query) {
        this.query = query;
    }

    public synchronized Progress get(Duration maxAge) throws SQLException {
        long now = System.nanoTime();
        if (last == null || budget.due(now, maxAge)) {
            try {
                last = query.read();
            } finally {
                // a read that failed (a statement timeout on a huge ledger) counts too: it is not retried at once
                budget.reading(now, System.nanoTime());
            }
        }
        return last;
    }

    /** The latest progress read, or null before the first read. */
    public synchronized Progress last() {
        return last;
    }
}
