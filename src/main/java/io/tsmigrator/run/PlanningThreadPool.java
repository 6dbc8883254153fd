package io.tsmigrator.run;

import org.quartz.spi.ThreadPool;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Quartz's thread pool for the planning timer: one thread, as its only job needs. Quartz's own
 * {@code SimpleThreadPool} lets an idle worker notice a shutdown only when its half-second wait
 * runs out, and a shutdown that waits for running jobs joins it: every run's end would wait for
 * that. This pool's idle thread ends as soon as it is told, and a running pass is still waited for.
 */
public final class PlanningThreadPool implements ThreadPool {

    private ExecutorService executor;
    private boolean busy;
    private boolean shutdown;
    private String name = "migrator";

    @Override
    public boolean runInThread(Runnable job) {
        if (job == null) {
            return false;
        }
        synchronized (this) {
            awaitFree();
            if (!shutdown) {
                busy = true;
                executor.execute(() -> {
                    try {
                        job.run();
                    } finally {
                        free();
                    }
                });
                return true;
            }
        }
        // a trigger Quartz took just before the shutdown still runs, as with Quartz's own pool: a
        // refused one would be put into the ERROR state, which is the other processes' trigger too
        Thread last = new Thread(job, name + " last planning pass");
        last.setDaemon(true);
        last.start();
        return true;
    }

    private synchronized void free() {
        busy = false;
        notifyAll();
    }

    @Override
    public synchronized int blockForAvailableThreads() {
        awaitFree();
        return shutdown ? 0 : 1;
    }

    /**
     * Waits until the thread is free or the pool shuts down, through interrupts as Quartz's own pool
     * does: a refused hand-off puts the (shared) trigger into the ERROR state, and an answer of no
     * thread makes the scheduler ask again at once, spinning.
     */
    private void awaitFree() {
        boolean interrupted = false;
        while (busy && !shutdown) {
            try {
                wait();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void initialize() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name + " planning");
            t.setDaemon(true);
            t.setContextClassLoader(loader);
            return t;
        });
    }

    @Override
    public void shutdown(boolean waitForJobsToComplete) {
        synchronized (this) {
            shutdown = true;
            notifyAll();
        }
        if (executor == null) {
            return;
        }
        executor.shutdown();
        if (waitForJobsToComplete) {
            try {
                executor.awaitTermination(Long.MAX_VALUE, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public int getPoolSize() {
        return 1;
    }

    @Override
    public void setInstanceId(String schedInstId) {
        // one pool per scheduler: nothing to tell apart
    }

    @Override
    public void setInstanceName(String schedName) {
        this.name = schedName;
    }
}
