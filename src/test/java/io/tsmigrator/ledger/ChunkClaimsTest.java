package io.tsmigrator.ledger;

import io.tsmigrator.plan.ChunkClaims;
import io.tsmigrator.plan.RunScope;
import io.tsmigrator.support.Await;
import io.tsmigrator.support.TestDb;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Claims several chunks per round trip, ship by ship: each chunk goes to one owner once, a dead owner's attempt counts. */
class ChunkClaimsTest {

    private static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");
    private static final Duration LEASE = Duration.ofMinutes(2);

    /** Up to {@code limit} ready chunks of ship a, over all time. */
    private static List<Chunk> claimOfA(ChunkLedger ledger, String owner, Duration lease, int limit) throws Exception {
        return ledger.claim(Map.of("a", limit), RunScope.EARLIEST, RunScope.LATEST, null, owner, lease);
    }

    private static ChunkLedger ledger(TestDb db, List<String> ships, int windowsPerShip) throws Exception {
        ControlSchema schema = new ControlSchema("migrator");
        schema.create(db.dataSource());
        ChunkLedger ledger = new ChunkLedger(db.dataSource(), schema, "job");
        Map<String, List<Instant[]>> windows = new LinkedHashMap<>();
        for (String ship : ships) {
            List<Instant[]> w = new ArrayList<>();
            for (int i = 0; i < windowsPerShip; i++) {
                w.add(new Instant[] {T0.plusSeconds(3600L * i), T0.plusSeconds(3600L * (i + 1))});
            }
            windows.put(ship, w);
        }
        Map<String, Integer> added = ledger.plan(windows);
        for (String ship : ships) {
            assertEquals(windowsPerShip, added.get(ship), "windows planned for ship " + ship);
        }
        assertTrue(ledger.plan(windows).isEmpty(), "planning the same windows again adds none");
        return ledger;
    }

    @Test
    void twoClaimersSideBySideGetEveryChunkOnceEachShipInWindowOrder() throws Exception {
        TestDb db = new TestDb();
        List<String> ships = List.of("a", "b", "c");
        ChunkLedger ledger = ledger(db, ships, 25);
        RunScope scope = RunScope.of(ships, null, null);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<List<Chunk>>> owners = new ArrayList<>();
            for (String owner : List.of("one", "two")) {
                owners.add(pool.submit(() -> {
                    List<Chunk> got = new ArrayList<>();
                    Iterator<Chunk> claims = new ChunkClaims(ledger, scope, owner, LEASE, 2, new InFlightChunks()).claims();
                    while (claims.hasNext()) {
                        got.add(claims.next());
                    }
                    return got;
                }));
            }
            List<Long> all = new ArrayList<>();
            for (Future<List<Chunk>> owner : owners) {
                List<Chunk> got = owner.get();
                // within one owner, a ship's chunks come earliest first
                for (String ship : ships) {
                    List<Instant> starts = got.stream().filter(c -> c.ship().equals(ship)).map(Chunk::start).toList();
                    List<Instant> sorted = new ArrayList<>(starts);
                    Collections.sort(sorted);
                    assertEquals(sorted, starts, "ship " + ship + " in window order");
                }
                got.forEach(c -> all.add(c.id()));
            }
            assertEquals(75, all.size(), "every chunk claimed");
            assertEquals(75, all.stream().distinct().count(), "no chunk claimed twice");
        } finally {
            pool.shutdownNow();
        }
        assertEquals(75, db.count("SELECT count(*) FROM migrator.chunk WHERE status = 'RUNNING' AND owner IN ('one', 'two') AND attempts = 0"));
        assertTrue(ledger.anyUnfinished(ships, RunScope.EARLIEST, RunScope.LATEST, null));
    }

    @Test
    void aChunkWhoseOwnerDiedIsReclaimedWithItsAttemptCountedAndFinishesItsShip() throws Exception {
        TestDb db = new TestDb();
        ChunkLedger ledger = ledger(db, List.of("a"), 2);
        List<Chunk> first = claimOfA(ledger, "dead", Duration.ofMillis(1), 10);
        assertEquals(2, first.size());
        assertEquals(0, first.get(0).attempts());
        Thread.sleep(5); // the dead owner's one-millisecond lease runs out

        List<Chunk> again = claimOfA(ledger, "alive", LEASE, 10);
        assertEquals(2, again.size(), "expired leases are claimed again");
        assertEquals(1, again.get(0).attempts(), "the dead owner's attempt counts");
        assertTrue(claimOfA(ledger, "other", LEASE, 10).isEmpty(), "held chunks are not claimed");

        // the first chunk fails once, then both succeed; the ship is finished after the last
        Chunk one = again.get(0);
        Chunk two = again.get(1);
        ledger.recordFailure(one, "alive", LEASE, one.attempts() + 1, "TRANSIENT", "08006", "connection lost", 12);
        assertEquals(List.of(), ledger.finishedShips(List.of("a")));
        for (Chunk c : List.of(one, two)) {
            int attempt = c.attempts() + 1 + (c == one ? 1 : 0);
            try (var conn = db.dataSource().getConnection()) {
                conn.setAutoCommit(false);
                ledger.markDone(conn, c, "alive", attempt, 10, 5, 0, 0, 3);
                conn.commit();
            }
        }
        // one: the dead owner's attempt 1, a failed attempt 2, attempt 3 done; two: the dead owner's attempt 1, attempt 2 done
        assertEquals(3, db.count("SELECT attempts FROM migrator.chunk WHERE id = ?", one.id()));
        assertEquals(2, db.count("SELECT attempts FROM migrator.chunk WHERE id = ?", two.id()));
        assertEquals(1, db.count("SELECT count(*) FROM migrator.failure WHERE chunk_id = ? AND attempt = 2 AND sql_state = '08006'", one.id()));
        assertEquals(List.of("a"), ledger.finishedShips(List.of("a", "b")));
        assertFalse(ledger.anyUnfinished(List.of("a"), RunScope.EARLIEST, RunScope.LATEST, null));
    }

    /**
     * A claim takes a few chunks at once; those not yet with a consumer wait in this process. They
     * are in hand from the claim on, so their leases are renewed while they wait and no other claim
     * takes them (which would deliver them twice).
     */
    @Test
    void chunksWaitingForAConsumerAreInHandAndTheirLeasesRenewed() throws Exception {
        TestDb db = new TestDb();
        ChunkLedger ledger = ledger(db, List.of("a"), 4);
        InFlightChunks inHand = new InFlightChunks();
        Iterator<Chunk> claims = new ChunkClaims(ledger, RunScope.of(List.of("a"), null, null), "one", Duration.ofSeconds(1), 2, inHand).claims();
        Chunk first = claims.next();
        assertEquals(2, inHand.snapshot().length, "the chunk handed out and the one claimed with it are in hand");

        assertEquals(2, ledger.renewLeases("one", inHand.snapshot(), LEASE));
        assertEquals(2, db.count("SELECT count(*) FROM migrator.chunk WHERE owner = 'one' AND lease_until > now() + interval '1 minute'"));
        List<Chunk> other = claimOfA(ledger, "two", LEASE, 10);
        assertEquals(2, other.size(), "another process gets the two chunks nobody holds");
        assertFalse(other.stream().anyMatch(c -> c.id() == first.id()));

        // an attempt's end lets go of its chunk; a chunk claimed twice stays in hand until both attempts end
        inHand.add(first.id());
        inHand.remove(first.id());
        assertTrue(List.of(inHand.snapshot()).contains(first.id()));
        inHand.remove(first.id());
        assertEquals(1, inHand.snapshot().length);
    }

    /**
     * The claim a chunk message carries stops being held once the chunk is claimed again after its
     * lease ran out, by the same process or another: an attempt checks that before it writes.
     */
    @Test
    void aClaimTakenAgainAfterItsLeaseRanOutIsNoLongerHeldByItsFirstMessage() throws Exception {
        TestDb db = new TestDb();
        ChunkLedger ledger = ledger(db, List.of("a"), 1);
        Chunk first = claimOfA(ledger, "one", Duration.ofMillis(1), 1).get(0);
        assertTrue(held(db, ledger, first, "one"));
        assertFalse(held(db, ledger, first, "two"));

        awaitLeaseRanOut(db);
        Chunk again = claimOfA(ledger, "one", Duration.ofMillis(1), 1).get(0);
        assertEquals(first.id(), again.id());
        assertFalse(held(db, ledger, first, "one"), "the process's own new claim replaced the first");
        assertTrue(held(db, ledger, again, "one"));

        awaitLeaseRanOut(db);
        Chunk other = claimOfA(ledger, "two", LEASE, 1).get(0);
        assertFalse(held(db, ledger, again, "one"), "another process's claim replaced it");
        assertTrue(held(db, ledger, other, "two"));
    }

    private static void awaitLeaseRanOut(TestDb db) {
        Await.until("the lease to run out", Duration.ofSeconds(10),
                () -> db.count("SELECT count(*) FROM migrator.chunk WHERE status = 'RUNNING' AND lease_until < now()") == 1);
    }

    private static boolean held(TestDb db, ChunkLedger ledger, Chunk chunk, String owner) throws Exception {
        try (Connection c = db.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement("SELECT " + ledger.claimHeldSql())) {
            ChunkLedger.bindClaim(ps, 1, chunk, owner);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    @Test
    void plannedWindowsAreStoredExactlyWhateverTheirLengthsAndGaps() throws Exception {
        TestDb db = new TestDb();
        ControlSchema schema = new ControlSchema("migrator");
        schema.create(db.dataSource());
        ChunkLedger ledger = new ChunkLedger(db.dataSource(), schema, "job");
        // a clipped head, two whole windows, a gap, a clipped tail; a second ship with the same calendar
        List<Instant[]> windows = List.of(
                new Instant[] {Instant.parse("2024-01-01T00:00:00.000123Z"), Instant.parse("2024-01-01T01:00:00Z")},
                new Instant[] {Instant.parse("2024-01-01T01:00:00Z"), Instant.parse("2024-01-01T02:00:00Z")},
                new Instant[] {Instant.parse("2024-01-01T02:00:00Z"), Instant.parse("2024-01-01T03:00:00Z")},
                new Instant[] {Instant.parse("2024-01-01T05:00:00Z"), Instant.parse("2024-01-01T05:30:00.000001Z")});
        Map<String, List<Instant[]>> plan = new LinkedHashMap<>();
        plan.put("a", windows);
        plan.put("b", windows);
        assertEquals(Map.of("a", 4, "b", 4), ledger.plan(plan));

        List<String> expected = new ArrayList<>();
        for (String ship : List.of("a", "b")) {
            windows.forEach(w -> expected.add(ship + " " + w[0] + " " + w[1]));
        }
        List<String> stored = db.rows("SELECT ship_id, window_start, window_end FROM migrator.chunk ORDER BY ship_id, window_start").stream()
                .map(r -> r.get(0) + " " + ((java.sql.Timestamp) r.get(1)).toInstant() + " " + ((java.sql.Timestamp) r.get(2)).toInstant())
                .toList();
        assertEquals(expected, stored);
    }
}
