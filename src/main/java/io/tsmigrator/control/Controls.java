package io.tsmigrator.control;

import io.tsmigrator.ledger.ControlSchema;
import io.tsmigrator.plan.ClaimGate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The claim gate of one process: closed while the job is paused, while the job's chunks in
 * progress fill the lanes an operator allowed, while the narrow rows of the last seconds plus
 * those the chunks in progress are expected to read reach the rows-per-second limit, or while the
 * source's replicas lag too much. Limits apply to the job as a whole: every process counts every
 * process's chunks, so N processes share a limit instead of multiplying it.
 * <p>
 * The control row is read at most once a second and the replicas' lag every few seconds; the load
 * is read before a claim only while a throttle is set.
 */
public final class Controls implements ClaimGate {

    private static final Logger LOG = LoggerFactory.getLogger(Controls.class);

    /** How stale the control row may be: a pause takes effect within this (plus the chunks in hand). */
    static final long REFRESH_NANOS = Duration.ofSeconds(1).toNanos();
    private static final long LAG_REFRESH_NANOS = Duration.ofSeconds(5).toNanos();
    /** The window the rows-per-second limit is measured over. */
    static final Duration RATE_WINDOW = Duration.ofSeconds(5);

    private final ControlTable table;
    private final RecentLoad load;
    private final ReplicaLag replicas;
    private final AtomicLong refusals = new AtomicLong();
    private volatile ControlState state = ControlState.NONE;
    private volatile long stateReadAt = Long.MIN_VALUE / 2;
    private volatile Duration lag;
    private volatile long lagReadAt = Long.MIN_VALUE / 2;
    private volatile String closedBecause;

    /** @param replicas the source's replicas to watch, or null */
    public Controls(DataSource control, ControlSchema schema, String job, ReplicaLag replicas) {
        this.table = new ControlTable(control, schema, job);
        this.load = new RecentLoad(control, schema, job);
        this.replicas = replicas;
    }

    public ControlTable table() {
        return table;
    }

    @Override
    public boolean mayClaim() {
        String reason;
        try {
            reason = refusal();
        } catch (SQLException e) {
            // claims go on: a control that cannot be read must not stop a migration for good
            LOG.warn("cannot read the job's controls now ({}); claiming as before", e.getMessage());
            reason = null;
        }
        if (!Objects.equals(reason, closedBecause)) {
            if (reason == null) {
                LOG.info("claiming chunks again");
            } else {
                LOG.info("not claiming new chunks: {}", reason);
            }
            closedBecause = reason;
        }
        if (reason != null) {
            refusals.incrementAndGet();
        }
        return reason == null;
    }

    @Override
    public boolean oneAtATime() {
        return state.throttled();
    }

    /** Why the gate was closed at its last look, or null when it was open. */
    public String closedBecause() {
        return closedBecause;
    }

    /** How many claims the gate has refused since the process started. */
    public long refusals() {
        return refusals.get();
    }

    /** The control row, at most a second old. */
    public ControlState state() throws SQLException {
        long now = System.nanoTime();
        if (now - stateReadAt > REFRESH_NANOS) {
            state = table.read();
            stateReadAt = now;
        }
        return state;
    }

    /** Forgets the cached control row, so the next look reads what an operator just set. */
    public void changed() {
        stateReadAt = Long.MIN_VALUE / 2;
    }

    /** The replicas' lag at the last look; null when not watched or unreadable. */
    public Duration replicaLag() {
        if (replicas == null) {
            return null;
        }
        long now = System.nanoTime();
        if (now - lagReadAt > LAG_REFRESH_NANOS) {
            lag = replicas.current();
            lagReadAt = now;
        }
        return lag;
    }

    public Duration maxReplicaLag() {
        return replicas == null ? null : replicas.max();
    }

    private String refusal() throws SQLException {
        ControlState s = state();
        if (s.paused()) {
            return "paused by an operator";
        }
        Duration lagNow = replicaLag();
        if (lagNow != null && lagNow.compareTo(replicas.max()) > 0) {
            return String.format(Locale.ROOT, "replica lag %.1f s exceeds %s", lagNow.toMillis() / 1000.0, replicas.max());
        }
        if (!s.throttled()) {
            return null;
        }
        RecentLoad.Load now = load.over(RATE_WINDOW);
        if (s.maxLanes() != null && now.running() >= s.maxLanes()) {
            return "throttled to " + s.maxLanes() + " lanes";
        }
        if (s.maxRowsPerSecond() != null) {
            double budget = s.maxRowsPerSecond() * (RATE_WINDOW.toMillis() / 1000.0);
            double expected = now.rowsFinished() + now.running() * now.averageRows();
            if (expected >= budget) {
                return "throttled to " + s.maxRowsPerSecond() + " narrow rows/s";
            }
        }
        return null;
    }
}
