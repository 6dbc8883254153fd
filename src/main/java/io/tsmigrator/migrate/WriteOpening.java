package io.tsmigrator.migrate;

import io.tsmigrator.db.BackgroundWork;

import java.sql.SQLException;

/**
 * An attempt's write transaction (window DELETE, COPY started), opened on another thread while the
 * chunk's first read window streams in. Those are round trips that would otherwise wait for the
 * read: on a far database, a few milliseconds each per chunk. The consumer takes the write over with {@link #await()} before its first append;
 * an attempt that fails before that calls {@link #abandon}, which rolls the opened write back.
 */
final class WriteOpening {

    private final BackgroundWork<WideWriter.Session> work;
    private boolean taken;

    private WriteOpening(BackgroundWork<WideWriter.Session> work) {
        this.work = work;
    }

    static WriteOpening start(BackgroundWork.Work<WideWriter.Session> opener) {
        return new WriteOpening(BackgroundWork.start("opening the chunk's write", opener));
    }

    /** Waits for the opening; the write is the caller's to commit and close from here on. */
    WideWriter.Session await() throws SQLException {
        WideWriter.Session opened = result();
        taken = true;
        return opened;
    }

    /**
     * The attempt failed before it took the write over: waits for the opening to end and rolls back
     * whatever it opened, so the next attempt never finds this one's transaction holding the window.
     */
    void abandon() {
        if (taken) {
            return;
        }
        taken = true;
        try {
            closeQuietly(result());
        } catch (SQLException | RuntimeException e) {
            // the caller reports its own, earlier failure
        }
    }

    private WideWriter.Session result() throws SQLException {
        return work.await(WriteOpening::closeQuietly);
    }

    private static void closeQuietly(WideWriter.Session write) {
        try {
            write.close();
        } catch (SQLException | RuntimeException ignored) {
            // the connection leaves the pool either way (Session#close evicts an uncommitted write)
        }
    }
}
