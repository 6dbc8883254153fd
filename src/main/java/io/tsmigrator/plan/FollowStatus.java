package io.tsmigrator.plan;

import io.tsmigrator.ledger.ChunkLedger;
import io.tsmigrator.ledger.Remigrations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * How far behind the source follow mode is: each ship's lag (the source's now minus the end of its
 * latest migrated window) and the changed windows still waiting to be migrated again. Logged now and
 * then, and kept for whoever shows the run's state.
 */
public class FollowStatus {

    private static final Logger LOG = LoggerFactory.getLogger(FollowStatus.class);

    /** The figures of the last look. */
    public record Lag(Instant at, Map<String, Duration> ships, long changedWindowsWaiting) {

        /** The ship furthest behind, or null before any ship has a migrated window. */
        public Map.Entry<String, Duration> worst() {
            return ships.entrySet().stream().max(Map.Entry.comparingByValue()).orElse(null);
        }
    }

    private final ChunkLedger ledger;
    private final Remigrations remigrations;
    private final Duration every;
    private volatile Lag last;
    private Instant lastLook;

    public FollowStatus(ChunkLedger ledger, Remigrations remigrations, Duration every) {
        this.ledger = ledger;
        this.remigrations = remigrations;
        this.every = every;
    }

    /** The latest figures, or null before the first look. */
    public Lag last() {
        return last;
    }

    /** "2d 03:04:05" or "03:04:05": a lag of hours or years read at a glance, unlike PT13278H48M9S. */
    static String readable(Duration d) {
        String clock = String.format("%02d:%02d:%02d", d.toHoursPart(), d.toMinutesPart(), d.toSecondsPart());
        return d.toDays() > 0 ? d.toDays() + "d " + clock : clock;
    }

    /** Called after each planning pass; looks again when {@code every} has passed since the last look. */
    void passed(Instant now, List<String> ships, Map<String, Instant[]> probed) throws SQLException {
        if (lastLook != null && Duration.between(lastLook, now).compareTo(every) < 0) {
            return;
        }
        lastLook = now;
        Map<String, Duration> lags = new java.util.TreeMap<>();
        ledger.migratedUntil(ships).forEach((ship, until) -> lags.put(ship, until.isAfter(now) ? Duration.ZERO : Duration.between(until, now)));
        Lag lag = new Lag(now, lags, remigrations.waiting());
        last = lag;
        Map.Entry<String, Duration> worst = lag.worst();
        LOG.info("following {} ships: lag {}{}, {} changed windows waiting to be migrated again", ships.size(),
                worst == null ? "unknown (nothing migrated yet)" : readable(worst.getValue()),
                worst == null ? "" : " at most (ship " + worst.getKey() + ")", lag.changedWindowsWaiting());
    }
}
