package io.tsmigrator.replay;

import io.tsmigrator.deadletter.DeadLetter;
import io.tsmigrator.ledger.Requeue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The bean behind the dead-letter consumer route ({@code replay-dead-letters}): the selected dead
 * letters and imported windows that still have to be put back into the ledger. Each item leaves
 * the queue once its requeue has committed, so the route's later planning passes find nothing and
 * a retried step does not queue anything twice.
 */
public class ReplayQueue {

    private static final Logger LOG = LoggerFactory.getLogger(ReplayQueue.class);

    private final Requeue requeue;
    private final String batch;
    private final Duration chunkSize;
    private final ConcurrentLinkedQueue<Object> remaining = new ConcurrentLinkedQueue<>();

    public ReplayQueue(Requeue requeue, String batch, Duration chunkSize, List<DeadLetter> letters, List<ImportedWindow> windows) {
        this.requeue = requeue;
        this.batch = batch;
        this.chunkSize = chunkSize;
        remaining.addAll(letters);
        remaining.addAll(windows);
    }

    /** A queue with nothing in it, for a plain {@code run}. */
    public static ReplayQueue empty() {
        return new ReplayQueue(null, null, null, List.of(), List.of());
    }

    public List<Object> pending() {
        return new ArrayList<>(remaining);
    }

    public void requeue(Object item) throws SQLException {
        if (item instanceof DeadLetter letter) {
            if (requeue.deadLetter(letter.id(), batch)) {
                LOG.info("{}: queued for replay (failed with {} after {} attempts)", letter.describe(),
                        letter.sqlState() == null ? "no SQLState" : "SQLState " + letter.sqlState(), letter.attempts());
            } else {
                LOG.info("{}: replayed already, left as it is", letter.describe());
            }
        } else if (item instanceof ImportedWindow window) {
            int[] counts = requeue.window(window.ship(), window.start(), window.end(), chunkSize, batch);
            LOG.info("{} (line {}): {} chunks queued again, {} new chunks planned", window.describe(), window.line(), counts[0], counts[1]);
        } else {
            throw new IllegalArgumentException("not a replay item: " + item);
        }
        remaining.remove(item);
    }
}
