package io.tsmigrator.migrate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A read timeout (pgjdbc's socketTimeout) does not cover writes: on a connection a firewall dropped
 * silently, a COPY blocks in the socket write as soon as the send buffers are full, for as long as
 * TCP keeps retrying. This guard aborts the connection when one buffer write takes longer than the
 * socket timeout, so the chunk fails with an I/O error and is retried on a new connection.
 */
final class WriteStallGuard {

    private static final Logger LOG = LoggerFactory.getLogger(WriteStallGuard.class);
    private static final Executor ABORT_INLINE = Runnable::run;

    /**
     * One timer for the process, whose thread ends when no write has been armed for a while: a timer
     * per guard left a thread behind at the end of every run in a JVM that runs several (tests, the
     * bench's warm JVM: one more thread and its stack per run).
     */
    private static final ScheduledThreadPoolExecutor TIMER = timer();

    private final long timeoutMillis;

    /** @param timeout zero disables the guard */
    WriteStallGuard(Duration timeout) {
        this.timeoutMillis = timeout.toMillis();
    }

    private static ScheduledThreadPoolExecutor timer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "migrator-write-stall-guard");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        timer.setKeepAliveTime(10, TimeUnit.SECONDS);
        timer.allowCoreThreadTimeOut(true);
        return timer;
    }

    /** Arms the guard for one write; close the returned handle when the write returns. */
    Armed arm(Connection connection) {
        if (timeoutMillis <= 0) {
            return () -> { };
        }
        ScheduledFuture<?> abort = TIMER.schedule(() -> {
            LOG.warn("a write to the target stalled for {} ms; aborting the connection", timeoutMillis);
            try {
                connection.abort(ABORT_INLINE);
            } catch (SQLException e) {
                LOG.debug("abort failed: {}", e.getMessage());
            }
        }, timeoutMillis, TimeUnit.MILLISECONDS);
        return () -> abort.cancel(false);
    }

    interface Armed extends AutoCloseable {
        @Override
        void close();
    }
}
