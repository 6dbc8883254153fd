package io.tsmigrator.plan;

import io.tsmigrator.ledger.Chunk;
import io.tsmigrator.ledger.ChunkLedger;
import io.tsmigrator.ledger.InFlightChunks;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * The splitter's source of chunk messages: an iterator that claims ready chunks from the ledger as
 * the splitter asks for them, so chunks are claimed only as fast as consumers free up (the splitter
 * blocks on the full chunk queue). It claims a few at a time (one per consumer, in one round trip and
 * one commit), from the ships in turn, each ship's earliest first, and goes round the ships again
 * while a round found something. It ends as soon as a round finds nothing; chunks that become ready
 * later are picked up by the next planning pass.
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
    private final int perClaim;
    private final InFlightChunks inHand;
    private volatile boolean stopping;
    private volatile boolean drained = true;
    private volatile ClaimGate gate = ClaimGate.OPEN;

    /**
     * A claimed chunk waits here, then in the chunk queue (which holds {@code migrator.parallelism}
     * chunks), for two or three chunks' time; slow chunks make that longer than a lease. So it is in
     * hand, its lease renewed, from its claim on: a lease that ran out while the chunk waited would
     * let another claim (this process's next pass, or another process) take it, and the chunk would
     * be delivered twice. A chunk still waiting when the process stops is handed back with the rest.
     *
     * @param inHand where claimed chunks are kept until an attempt at them ends
     */
    public ChunkClaims(ChunkLedger ledger, RunScope scope, String owner, Duration lease, int parallelism, InFlightChunks inHand) {
        this.inHand = inHand;
        this.ledger = ledger;
        this.scope = scope;
        this.owner = owner;
        this.lease = lease;
        this.perClaim = parallelism;
    }

    /** Stops handing out chunks, e.g. on SIGTERM; chunks in hand finish or are released. */
    public void stop() {
        stopping = true;
    }

    public boolean isStopping() {
        return stopping;
    }

    /**
     * Whether the last pass found nothing more to claim: until then a finished chunk cannot be the
     * run's last, so nobody needs to ask the ledger whether anything is left.
     */
    public boolean isDrained() {
        return drained;
    }

    /** The operators' controls (pause, throttle), asked before each claim. */
    public void gateWith(ClaimGate gate) {
        this.gate = gate;
    }

    public Iterator<Chunk> claims() {
        drained = false;
        return new Iterator<>() {
            private final Deque<Chunk> claimed = new ArrayDeque<>();
            private final List<String> ships = scope.ships();
            // the ships whose turn is still to come in this round, the next first
            private final Deque<String> turn = new ArrayDeque<>(ships);
            private boolean claimedThisRound;
            // a closed gate ends the pass for good: Camel's splitter asks again when it finishes, and
            // a chunk claimed then would never be dispatched (it would wait for its lease to expire)
            private boolean gateClosed;

            @Override
            public boolean hasNext() {
                if (stopping) {
                    return false; // what is still in hand is handed back with the rest at the end
                }
                if (claimed.isEmpty() && !drained && !gateClosed) {
                    if (!gate.mayClaim()) {
                        // not drained: chunks are left, the next planning pass asks the gate again
                        gateClosed = true;
                        return false;
                    }
                    try {
                        fill();
                    } catch (SQLException e) {
                        // Ending the pass instead of failing it: the splitter has already taken the
                        // previous chunk and dispatches it only if this look-ahead returns normally.
                        LOG.warn("cannot claim chunks from the ledger now ({}); trying again at the next planning pass", e.getMessage());
                        drained = true;
                        return false;
                    }
                }
                return !claimed.isEmpty();
            }

            /**
             * Claims from the next ships in turn, one chunk each (several when fewer ships than
             * consumers are left), and drops a ship from the round once it has nothing ready. Ships
             * in turn keep the chunks in flight close in time: in a source filled in time order, the
             * ships' rows of one window share their pages, which the server then reads once for
             * all of them instead of once per ship. A round that found nothing ends the pass; one
             * that found something is followed by another over every ship, so chunks that became
             * ready meanwhile (halves of a split chunk, leases of a dead process expiring) are taken.
             */
            private void fill() throws SQLException {
                while (claimed.isEmpty()) {
                    if (turn.isEmpty()) {
                        if (!claimedThisRound) {
                            drained = true;
                            return;
                        }
                        claimedThisRound = false;
                        turn.addAll(ships);
                    }
                    // under a throttle one at a time, so that each claim is weighed
                    int wanted = gate.oneAtATime() ? 1 : perClaim;
                    int count = Math.min(wanted, turn.size());
                    Map<String, Integer> asked = new LinkedHashMap<>();
                    for (int i = 0; i < count; i++) {
                        asked.put(turn.poll(), wanted / count + (i < wanted % count ? 1 : 0));
                    }
                    List<Chunk> got = ledger.claim(asked, scope.from(), scope.to(), scope.batch(), owner, lease);
                    got.forEach(c -> inHand.add(c.id()));
                    claimed.addAll(got);
                    claimedThisRound |= !got.isEmpty();
                    // a ship that gave all it was asked for may have more: its next turn is at the back
                    asked.forEach((ship, n) -> {
                        if (got.stream().filter(c -> c.ship().equals(ship)).count() == n) {
                            turn.offer(ship);
                        }
                    });
                }
            }

            @Override
            public Chunk next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return claimed.poll();
            }
        };
    }
}
