package io.tsmigrator.migrate;

import io.tsmigrator.db.BackgroundWork;
import io.tsmigrator.ledger.LeaseLostException;

import java.sql.SQLException;

/**
 * An attempt's start in the ledger and its write transaction (window DELETE, COPY started), opened
 * on another thread while the chunk's first read window streams in. Those are three round trips
 * that would otherwise wait for each other and for the read: on a far database, a few milliseconds
 * each per chunk. The consumer takes the write over with {@link #await()} before its first append;
 * an attempt that fails before that calls {@link #abandon}, which rolls the opened write back.
 */
final class WriteOpening {

    /** What the opening produced: the attempt number the ledger gave, and the open write. */
    record Opened(int attempt, WideWriter.Session write) {
    }

    private final BackgroundWork<Opened> work;
    private boolean taken;

    private WriteOpening(BackgroundWork<Opened> work) {
        this.work = work;
    }

    static WriteOpening start(BackgroundWork.Work<Opened> opener) {
        return new WriteOpening(BackgroundWork.start("opening the chunk's write", opener));
    }

    /** Waits for the opening; the write is the caller's to commit and close from here on. */
    Opened await() throws SQLException {
        Opened opened = result();
        taken = true;
        return opened;
    }

    /**
     * The attempt failed before it took the write over: waits for the opening to end and rolls back
     * whatever it opened, so the next attempt never finds this one's transaction holding the window.
     * Returns the attempt number the ledger gave, or {@code fallback} when the opening failed too.
     *
     * @throws LeaseLostException when the opening found that this process no longer holds the chunk
     */
    int abandon(int fallback) {
        if (taken) {
            return fallback;
        }
        taken = true;
        try {
            Opened opened = result();
            closeQuietly(opened.write());
            return opened.attempt();
        } catch (LeaseLostException e) {
            throw e;
        } catch (SQLException | RuntimeException e) {
            return fallback; // the caller reports its own, earlier failure
        }
    }

    private Opened result() throws SQLException {
        return work.await(opened -> closeQuietly(opened.write()));
    }

    private static void closeQuietly(WideWriter.Session write) {
        try {
            write.close();
        } catch (SQLException | RuntimeException ignored) {
            // the connection leaves the pool either way (Session#close evicts an uncommitted write)
        }
    }
}
