package io.tsmigrator.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The signature the old tool's operators found by hand: many failures after the same elapsed time
 * (42 of 90 at 8126.46 s) mean a limit on how long work may run — a server timeout, a proxy or a
 * firewall — not bad luck. Finds the largest group of failures whose elapsed times lie within ±1 %
 * of their middle, and reports it when it holds at least 3 failures and 30 % of them.
 */
public final class FixedCutoff {

    static final double TOLERANCE = 0.01;
    static final int MIN_FAILURES = 3;
    static final double MIN_SHARE = 0.3;

    /** @param count failures in the group; @param seconds their median elapsed time */
    public record Signature(int count, int total, double seconds) {

        public String describe() {
            return String.format("%d of %d failed attempts ended after %.0f s ± 1%%: a server or network timeout near that value"
                    + " (statement_timeout, idle_in_transaction_session_timeout, idle_session_timeout, TCP keepalives,"
                    + " or a proxy/firewall limit on connection time); keep chunks well under it", count, total, seconds);
        }
    }

    private FixedCutoff() {
    }

    public static Optional<Signature> find(List<Long> elapsedMillis) {
        List<Long> sorted = new ArrayList<>(elapsedMillis);
        Collections.sort(sorted);
        int best = 0;
        int bestStart = 0;
        int end = 0;
        for (int start = 0; start < sorted.size(); start++) {
            end = Math.max(end, start);
            while (end < sorted.size() && sorted.get(end) <= sorted.get(start) * (1 + 2 * TOLERANCE)) {
                end++;
            }
            if (end - start > best) {
                best = end - start;
                bestStart = start;
            }
        }
        if (best < MIN_FAILURES || best < MIN_SHARE * sorted.size()) {
            return Optional.empty();
        }
        long median = sorted.get(bestStart + best / 2);
        return Optional.of(new Signature(best, sorted.size(), median / 1000.0));
    }
}
