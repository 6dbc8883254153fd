package io.tsmigrator;

import io.tsmigrator.support.Await;
import io.tsmigrator.support.Cli;
import io.tsmigrator.support.Fleet;
import io.tsmigrator.support.SqlPivot;
import io.tsmigrator.support.TestDb;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The whole job on a real PostgreSQL, checked against the SQL pivot. */
class EndToEndMigrationTest {

    private static final String SOURCE = "tenant.tbl_data_timeseries";
    private static final String WIDE = "tenant.tbl_data_timeseries_wide";
    private static final List<Integer> SHIPS = List.of(7, 42, 1001);

    @Test
    void migratesAFleetWithGapsNullsDuplicatesAndHolesExactlyAsTheSqlPivot() {
        TestDb db = new TestDb();
        Fleet.create(db, SOURCE, SHIPS, Fleet.SPARSE_CHANNELS, 5);

        Cli run = Cli.run(db.runArgs("--migrator.chunk-size=PT20M"));

        assertEquals(0, run.exitCode(), run.toString());
        SqlPivot.assertWideEqualsPivot(db, SOURCE, WIDE, SqlPivot.ids(Fleet.SPARSE_CHANNELS), SqlPivot.prefixed(Fleet.SPARSE_CHANNELS));
        assertEquals(3, db.count("SELECT count(*) FROM migrator.ship_completion"));
        assertEquals(db.count("SELECT count(*) FROM " + SOURCE), db.count("SELECT sum(source_rows) FROM migrator.ship_completion"));
        assertEquals(db.count("SELECT count(*) FROM " + WIDE), db.count("SELECT sum(wide_rows) FROM migrator.ship_completion"));
        long duplicates = db.count("SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) n FROM " + SOURCE
                + " GROUP BY ship_id, created_time, data_channel_id HAVING count(*) > 1) d");
        assertTrue(duplicates > 0, "the fleet has duplicates");
        assertEquals(duplicates, db.count("SELECT sum(duplicates) FROM migrator.chunk WHERE status = 'DONE'"));
        // 5 h in 20-minute windows; only windows with readings are planned, so ship 42's hole
        // (01:00-03:30) leaves out the seven windows from 01:00 to 03:20
        assertEquals(15 + 8 + 15, db.count("SELECT count(*) FROM migrator.chunk"));
        for (Integer ship : SHIPS) {
            assertTrue(run.out().lines().anyMatch(l -> l.startsWith(ship + " ")), "summary line for ship " + ship + "\n" + run.out());
        }
        assertTrue(run.out().contains("3 ships complete"), run.out());
        // a chunk starts after its claim, and a ship's duration is that of its chunks: the summary's durations are real
        assertEquals(0, db.count("SELECT count(*) FROM migrator.chunk WHERE started_at < claimed_at OR finished_at < started_at"));
        assertEquals(0, db.count("SELECT count(*) FROM migrator.ship_completion s WHERE s.started_at <>"
                + " (SELECT min(c.started_at) FROM migrator.chunk c WHERE c.ship_id = s.ship_id AND c.status = 'DONE')"));
    }

    @Test
    void aSecondRunIsANoOp() {
        TestDb db = new TestDb();
        Fleet.create(db, SOURCE, SHIPS, List.of(1, 2, 3), 2);
        assertEquals(0, Cli.run(db.runArgs()).exitCode());
        Object ledgerBefore = db.scalar("SELECT string_agg(id || ':' || status || ':' || attempts || ':' || updated_at, ',' ORDER BY id) FROM migrator.chunk");
        Object wideBefore = db.scalar("SELECT sum(xmin::text::bigint) FROM " + WIDE);

        Cli again = Cli.run(db.runArgs());

        assertEquals(0, again.exitCode(), again.toString());
        assertEquals(ledgerBefore, db.scalar("SELECT string_agg(id || ':' || status || ':' || attempts || ':' || updated_at, ',' ORDER BY id) FROM migrator.chunk"));
        assertEquals(wideBefore, db.scalar("SELECT sum(xmin::text::bigint) FROM " + WIDE), "no wide row was rewritten");
        SqlPivot.assertWideEqualsPivot(db, SOURCE, WIDE, SqlPivot.ids(List.of(1, 2, 3)), SqlPivot.prefixed(List.of(1, 2, 3)));
    }

    @Test
    void aRunResumedAfterSomeChunksAreDoneGivesTheSameTable() {
        TestDb db = new TestDb();
        Fleet.create(db, SOURCE, SHIPS, List.of(5, 50, 500), 4);
        assertEquals(0, Cli.run(db.runArgs("--migrator.to=2024-03-01T02:00:00Z", "--migrator.chunk-size=PT30M")).exitCode());
        long firstPart = db.count("SELECT count(*) FROM migrator.chunk WHERE status = 'DONE'");
        assertTrue(firstPart > 0);
        // some done chunks lose their wide rows and go back to PENDING, as if a run had stopped mid-way
        db.execute("DELETE FROM " + WIDE + " WHERE ship_id = 7",
                "UPDATE migrator.chunk SET status = 'PENDING' WHERE ship_id = '7'");

        Cli resumed = Cli.run(db.runArgs("--migrator.chunk-size=PT30M"));

        assertEquals(0, resumed.exitCode(), resumed.toString());
        assertTrue(db.count("SELECT count(*) FROM migrator.chunk WHERE status = 'DONE'") > firstPart);
        assertEquals(0, db.count("SELECT count(*) FROM migrator.chunk WHERE status <> 'DONE'"));
        SqlPivot.assertWideEqualsPivot(db, SOURCE, WIDE, SqlPivot.ids(List.of(5, 50, 500)), SqlPivot.prefixed(List.of(5, 50, 500)));
        assertEquals(3, db.count("SELECT count(*) FROM migrator.ship_completion"));
    }

    /** The command line runs in the caller's JVM (tests, an embedding program): a run must not leave threads behind. */
    @Test
    void runsInOneJvmLeaveNoThreadBehind() {
        TestDb db = new TestDb();
        Fleet.create(db, SOURCE, SHIPS, List.of(1, 2, 3), 2);
        assertEquals(0, Cli.run(db.runArgs()).exitCode());
        long afterFirstRun = liveThreads();

        for (int run = 2; run <= 4; run++) { // each migrates the whole fleet again, into a table of its own
            Cli again = Cli.run(db.runArgs("--migrator.target.table=tenant.wide_" + run, "--migrator.control-schema=control_" + run));
            assertEquals(0, again.exitCode(), again.toString());
        }

        Await.until("the threads of the later runs to end", Duration.ofSeconds(10), () -> liveThreads() <= afterFirstRun);
    }

    /** Live threads but those of the shared pool for background work, which grows with how much work overlaps and ends when idle. */
    private static long liveThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && !t.getName().equals("migrator-background")).count();
    }
}
