package io.tsmigrator.plan;

import io.tsmigrator.ledger.Chunk;
import io.tsmigrator.ledger.ChunkLedger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The splitter's source of chunk messages: an iterator that claims one ready chunk from the ledger
 * each time the splitter asks for the next, so chunks are claimed only as fast as consumers free up
 * (the splitter blocks on the full chunk queue). It ends as soon as nothing is ready; chunks that
 * become ready later (halves of a split chunk, leases of a dead process expiring) are picked up by
 * the next planning pass.
 * <p>
 * It never waits inside {@code hasNext()}: Camel's streaming splitter asks {@code hasNext()} before
 * it dispatches the element it just took, so waiting there for running chunks would wait for itself.
 */
public class ChunkClaims {

    private static final Logger LOG = LoggerFactory.getLogger(ChunkClaims.class);

    private final ChunkLedger ledger;
    private final RunScope scope;
    private final String owner;
    private final Duration lease;
    private volatile boolean stopping;
    private volatile ClaimGate gate = ClaimGate.OPEN;

    /**
     * A claimed chunk waits in the chunk queue under the lease of its claim (the queue holds
     * {@code migrator.parallelism} chunks, so it waits about one chunk's time); it counts as in
     * flight, with its lease renewed, only once a consumer has begun it. A chunk the splitter took
     * but never delivered therefore expires and is claimed again instead of being held forever.
     */
    public ChunkClaims(ChunkLedger ledger, RunScope scope, String owner, Duration lease) {
        this.ledger = ledger;
        this.scope = scope;
        this.owner = owner;
        this.lease = lease;
    }

    /** The operators' controls (pause, throttle), asked before each claim. */
    public void gateWith(ClaimGate gate) {
        this.gate = gate;
    }

    /** Stops handing out chunks, e.g. on SIGTERM; chunks in hand finish or are released. */
    public void stop() {
        stopping = true;
    }

    public boolean isStopping() {
        return stopping;
    }

    public Iterator<Chunk> claims() {
        return new Iterator<>() {
            private Chunk next;
            // Once it has said "no more", a pass stays ended: Camel's splitter asks again when it
            // finishes, and a chunk claimed then would never be dispatched (seen with the gate
            // reopening between the two looks: the chunk waited for its lease to expire).
            private boolean ended;

            @Override
            public boolean hasNext() {
                if (ended) {
                    return false;
                }
                // a closed gate ends this pass; the next planning pass asks again
                if (next == null && !stopping && gate.mayClaim()) {
                    try {
                        next = ledger.claimNext(scope.ships(), scope.from(), scope.to(), scope.batch(), owner, lease);
                    } catch (SQLException e) {
                        // Ending the pass instead of failing it: the splitter has already taken the
                        // previous chunk and dispatches it only if this look-ahead returns normally.
                        LOG.warn("cannot claim chunks from the ledger now ({}); trying again at the next planning pass", e.getMessage());
                        ended = true;
                        return false;
                    }
                }
                ended = next == null;
                return !ended;
            }

            @Override
            public Chunk next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Chunk chunk = next;
                next = null;
                return chunk;
            }
        };
    }
}
