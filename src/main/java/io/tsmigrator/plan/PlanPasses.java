package io.tsmigrator.plan;

import io.tsmigrator.ledger.PlanPassLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The planning passes as the routes see them. With several processes on one ledger only one of them
 * plans each pass (the clustered Quartz timer elects it), so a process cannot take "I have planned"
 * for "the ledger is planned": before a batch run may end for lack of work, a pass must have finished
 * since the process started, whichever process ran it. The ledger's {@code plan_pass} rows say so.
 * A replay's passes are its own (it queues what it was asked to), so they are only counted here.
 */
public class PlanPasses {

    private static final Logger LOG = LoggerFactory.getLogger(PlanPasses.class);

    private final PlanPassLog log;
    private final String owner;
    private final Duration lease;
    private final Duration interval;
    private final CountDownLatch ownPass = new CountDownLatch(1);
    private volatile Instant since;
    private volatile boolean passed;

    /** @param log where passes are recorded, or null when each process plans for itself (replay) */
    public PlanPasses(PlanPassLog log, String owner, Duration lease, Duration interval) {
        this.log = log;
        this.owner = owner;
        this.lease = lease;
        this.interval = interval;
    }

    /** Starts a pass; null when another process's pass is still running (this tick then does nothing). */
    public Long begin() throws SQLException {
        if (log == null) {
            return 0L;
        }
        Long id = log.begin(owner, lease);
        if (id == null) {
            LOG.debug("another process is planning; this tick skips its pass");
        }
        return id;
    }

    /** @param result what the planning step returned: the number of chunks it added, when it says */
    public void finish(Long id, Object result) throws SQLException {
        if (log != null) {
            log.finish(id, result instanceof Number n ? n.intValue() : null);
        }
        passed = true;
        ownPass.countDown();
    }

    /**
     * Before a dispatch pass: the first one waits (at most a planning interval) for this process's
     * own first pass, so the process that plans claims at once instead of a tick later.
     */
    public void awaitFirst() throws SQLException, InterruptedException {
        if (passed) {
            return;
        }
        if (since == null && log != null) {
            since = log.now();
        }
        ownPass.await(interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Whether a planning pass (this process's or another's) has finished since this process started. */
    public boolean passedSinceStart() throws SQLException {
        if (passed || log == null) {
            return passed;
        }
        if (since == null) {
            since = log.now();
        }
        passed = log.finishedSince(since);
        return passed;
    }

    /** Lets a waiting dispatch go on when the process stops. */
    public void release() {
        ownPass.countDown();
    }
}
