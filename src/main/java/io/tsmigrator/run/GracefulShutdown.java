package io.tsmigrator.run;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * SIGTERM handling. The JVM runs shutdown hooks and then halts, whatever the main thread is doing;
 * this hook asks the run to stop (no new chunks; chunks in progress get
 * {@code Settings.SHUTDOWN_TIMEOUT} to finish, then are rolled back and handed back to the ledger),
 * waits until the main thread has left the ledger consistent, and exits with the run's own code
 * (1 when work remains) rather than the signal's.
 */
public final class GracefulShutdown {

    private static final Logger LOG = LoggerFactory.getLogger(GracefulShutdown.class);
    private static final Duration CLEANUP_MARGIN = Duration.ofSeconds(30);

    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;
    private volatile int exitCode = ExitCodes.FAILED;
    private volatile boolean signalled;
    private Runnable onSignal;

    private GracefulShutdown(Duration timeout) {
        this.hook = new Thread(() -> handle(timeout), "migrator-shutdown");
    }

    public static GracefulShutdown install(Duration timeout) {
        GracefulShutdown shutdown = new GracefulShutdown(timeout);
        Runtime.getRuntime().addShutdownHook(shutdown.hook);
        return shutdown;
    }

    /** What stops the run; runs at once if the signal came before the run could register it. */
    public synchronized void onSignal(Runnable action) {
        this.onSignal = action;
        if (signalled) {
            action.run();
        }
    }

    /** The main thread is done: everything is closed and the ledger consistent. */
    public void finished(int code) {
        exitCode = code;
        finished.countDown();
        if (!signalled) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook is running and will use the exit code
            }
        }
    }

    private void handle(Duration timeout) {
        synchronized (this) {
            signalled = true;
            if (finished.getCount() == 0) {
                return;
            }
            LOG.warn("stop requested (SIGTERM): no new chunks; chunks in progress have {} to finish", timeout);
            if (onSignal != null) {
                onSignal.run();
            }
        }
        try {
            if (!finished.await(timeout.plus(CLEANUP_MARGIN).toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.error("the run did not stop in time; exiting, unfinished chunks will be taken over after their lease expires");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Runtime.getRuntime().halt(exitCode);
    }
}
