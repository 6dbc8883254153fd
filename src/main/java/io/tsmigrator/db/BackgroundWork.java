package io.tsmigrator.db;

import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * Work started on a daemon thread while its caller goes on (SQL, closing a pool, Camel loading the
 * routes), and awaited later: its {@link SQLException} or {@link RuntimeException} comes out of
 * {@link #await} as the work threw it, so the caller reports it as if it had done the work itself.
 */
public final class BackgroundWork<T> {

    @FunctionalInterface
    public interface Work<T> {
        T run() throws SQLException;
    }

    // Daemon threads, created as the work needs them and gone when idle.
    private static final ExecutorService THREADS = Executors.newCachedThreadPool(task -> {
        Thread t = new Thread(task, "migrator-background");
        t.setDaemon(true);
        return t;
    });

    private final String what;
    private final CompletableFuture<T> future;

    private BackgroundWork(String what, CompletableFuture<T> future) {
        this.what = what;
        this.future = future;
    }

    /** @param what the work, for messages: "creating the control schema" */
    public static <T> BackgroundWork<T> start(String what, Work<T> work) {
        return new BackgroundWork<>(what, CompletableFuture.supplyAsync(() -> {
            try {
                return work.run();
            } catch (SQLException e) {
                throw new CompletionException(e);
            }
        }, THREADS));
    }

    public T await() throws SQLException {
        return await(result -> {
        });
    }

    /**
     * Waits for the work's result. When the wait is interrupted, the work goes on and
     * {@code ifAbandoned} gets its result once it is there (to release what it opened).
     */
    public T await(Consumer<? super T> ifAbandoned) throws SQLException {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.thenAccept(ifAbandoned);
            throw new SQLException("interrupted while " + what, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof CompletionException c && c.getCause() != null ? c.getCause() : e.getCause();
            if (cause instanceof SQLException sql) {
                throw sql;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new SQLException(what + " failed: " + cause, cause);
        }
    }

    /** For a caller that failed elsewhere: the work ends before the caller goes on; its own failure is dropped. */
    public void awaitQuietly() {
        try {
            await();
        } catch (SQLException | RuntimeException e) {
            // the caller's own failure is the one to report
        }
    }
}
