package io.tsmigrator;

import io.tsmigrator.support.Await;
import io.tsmigrator.support.BlackholeProxy;
import io.tsmigrator.support.ChildJvm;
import io.tsmigrator.support.Cli;
import io.tsmigrator.support.Fleet;
import io.tsmigrator.support.PostgresServer;
import io.tsmigrator.support.RestartableServer;
import io.tsmigrator.support.SqlPivot;
import io.tsmigrator.support.TestDb;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real faults against a running migration, each ending with the wide table compared exactly with
 * the SQL pivot. Faults are injected when the ledger shows the run is under way, never after a sleep.
 */
class FaultInjectionTest {

    private static final String SOURCE = "tenant.tbl_data_timeseries";
    private static final String WIDE = "tenant.tbl_data_timeseries_wide";
    private static final List<Integer> CHANNELS = List.of(1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233);
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(3);

    private final ExecutorService background = Executors.newCachedThreadPool();

    @AfterEach
    void stopBackground() {
        background.shutdownNow();
    }

    @Test
    void backendsTerminatedEverySecondOrTwoAreRetried() throws Exception {
        TestDb db = new TestDb();
        Fleet.create(db, SOURCE, "integer", "integer", "timestamptz", "double precision", List.of(1, 2, 3), CHANNELS, 6, 1);
        Future<Cli> run = background.submit(() -> Cli.run(db.runArgs("--migrator.chunk-size=PT30M",
                "--migrator.retry.max-attempts=20", "--migrator.lease=PT5S")));
        awaitDone(db, 1);

        // as soon as a migrator backend is reading or writing a chunk, terminate all of them; then pause a second
        int terminated = 0;
        while (!run.isDone()) {
            long n = db.count("SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    + " WHERE application_name = 'timeseries-migrator' AND pid <> pg_backend_pid()"
                    + "   AND EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.application_name = 'timeseries-migrator'"
                    + "               AND a.state IN ('active', 'idle in transaction')"
                    + "               AND (a.query LIKE 'COPY%' OR a.query LIKE 'SELECT \"created_time\"%'))) t");
            terminated += (int) n;
            finishedWithin(run, n > 0 ? Duration.ofSeconds(1) : Duration.ofMillis(10));
        }
        Cli result = run.get();
        assertEquals(0, result.exitCode(), result.toString());
        assertTrue(terminated > 0, "backends were terminated");
        assertTrue(retries(db) > 0, "terminations caused retries");
        assertCompleteAndExact(db, 3);
        System.out.printf("terminate backends: %d backends terminated, %d retries, %d splits%n", terminated, retries(db), splits(db));
    }

    @Test
    void aLowStatementTimeoutOnTheRoleSplitsChunksUntilTheyFit() {
        TestDb db = new TestDb();
        // 93 channels at 1 Hz, as on the ships: writing 3 hours of wide rows takes well over the limit
        List<Integer> channels = java.util.stream.IntStream.rangeClosed(1, 93).boxed().toList();
        Fleet.create(db, SOURCE, "integer", "integer", "timestamptz", "double precision", List.of(1, 2), channels, 3, 1);
        // A chunk's write COPY is open while its window is read, so the limit holds a whole chunk. The
        // smallest window a split makes is a minute (5,580 narrow rows here): well within 0.5 s even on a
        // machine whose speed swings by half within seconds, while a 3-hour chunk is cut many times.
        db.execute("CREATE ROLE slow_role LOGIN SUPERUSER", "ALTER ROLE slow_role SET statement_timeout = '500ms'");
        // listed, the channels have their columns from the start: no chunk meets one without a column
        List<String> args = new ArrayList<>(db.runArgs("--migrator.chunk-size=PT3H",
                "--migrator.channels=" + String.join(",", SqlPivot.ids(channels))));
        args.set(2, "--migrator.source.username=slow_role");

        Cli result = Cli.run(args);

        assertEquals(0, result.exitCode(), result.toString());
        assertTrue(splits(db) > 0, "chunks were split");
        assertTrue(db.count("SELECT count(*) FROM migrator.chunk WHERE status = 'SPLIT' AND last_sql_state = '57014'") > 0,
                "splits were caused by statement timeouts");
        assertEquals(0, db.count("SELECT count(*) FROM migrator.chunk c WHERE status = 'DONE' AND parent_id IS NOT NULL"
                + " AND NOT EXISTS (SELECT 1 FROM migrator.chunk p WHERE p.id = c.parent_id AND p.status = 'SPLIT')"), "lineage kept");
        assertCompleteAndExact(db, 2, channels);
        System.out.printf("statement timeout: %d splits, %d retries%n", splits(db), retries(db));
    }

    @Test
    void theServerStoppedAndStartedAgainMidRun() throws Exception {
        try (RestartableServer server = new RestartableServer()) {
            TestDb db = new TestDb(PostgresServer.newDatabase(server.url()));
            Fleet.create(db, SOURCE, "integer", "integer", "timestamptz", "double precision", List.of(1, 2, 3), CHANNELS, 3, 1);
            // a claim whose reply is lost with the server leaves a chunk held by nobody until its lease expires
            Future<Cli> run = background.submit(() -> Cli.run(db.runArgs("--migrator.chunk-size=PT10M", "--migrator.retry.max-attempts=30",
                    "--migrator.lease=PT5S")));
            awaitDone(db, 2);

            server.stop();
            server.start();

            Cli result = run.get(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertEquals(0, result.exitCode(), result.toString());
            assertCompleteAndExact(db, 3);
            System.out.printf("server restart: %d retries, %d splits%n", retries(db), splits(db));
        }
    }

    @Test
    void aProcessKilledWithSigkillIsResumedByTheNextRun() throws Exception {
        TestDb db = new TestDb();
        Fleet.create(db, SOURCE, "integer", "integer", "timestamptz", "double precision", List.of(1, 2, 3), CHANNELS, 3, 1);
        ChildJvm child = ChildJvm.start(db.runArgs("--migrator.chunk-size=PT5M", "--migrator.lease=PT3S"));
        awaitDone(db, 3);

        child.process().destroyForcibly().waitFor();
        long doneAtKill = db.count("SELECT count(*) FROM migrator.chunk WHERE status = 'DONE'");
        long total = db.count("SELECT count(*) FROM migrator.chunk");
        assertTrue(doneAtKill < total, "the kill came before the end (" + doneAtKill + " of " + total + " done)");

        Cli resumed = Cli.run(db.runArgs("--migrator.chunk-size=PT5M", "--migrator.lease=PT3S"));

        assertEquals(0, resumed.exitCode(), resumed.toString());
        assertCompleteAndExact(db, 3);
        System.out.printf("SIGKILL: %d of %d chunks done at the kill, %d retries after resume%n", doneAtKill, total, retries(db));
    }

    @Test
    void aConnectionSilentlyDroppedTimesOutAndIsRetried() throws Exception {
        TestDb db = new TestDb();
        Fleet.create(db, SOURCE, "integer", "integer", "timestamptz", "double precision", List.of(1, 2), CHANNELS, 3, 1);
        try (BlackholeProxy proxy = new BlackholeProxy(PostgresServer.get().port())) {
            String viaProxy = db.url().replace(":" + PostgresServer.get().port() + "/", ":" + proxy.port() + "/");
            // the silenced sessions stay open on the server holding their chunk's locks until
            // idle_in_transaction_session_timeout ends them: the database's 3 s is below the migrator's own
            db.execute("ALTER DATABASE " + db.scalar("SELECT quote_ident(current_database())") + " SET idle_in_transaction_session_timeout = '3s'");
            List<String> args = new ArrayList<>(db.runArgs("--migrator.chunk-size=PT5M", "--migrator.db.socket-timeout=PT2S", "--migrator.lease=PT4S",
                    "--migrator.retry.max-attempts=20"));
            args.set(1, "--migrator.source.url=" + viaProxy);
            Future<Cli> run = background.submit(() -> Cli.run(args));
            awaitDone(db, 2);

            int silenced = proxy.blackholeExisting();

            Cli result = run.get(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertEquals(0, result.exitCode(), result.toString());
            assertTrue(silenced > 0, "connections were silenced");
            assertTrue(retries(db) > 0, "a timed-out read was retried");
            assertCompleteAndExact(db, 2);
            System.out.printf("silent drop: %d connections silenced, %d retries, %d splits%n", silenced, retries(db), splits(db));
        }
    }

    @Test
    void aPermanentFaultOnOneShipIsDeadLetteredWhileTheOthersComplete() {
        TestDb db = new TestDb();
        Fleet.create(db, SOURCE, List.of(1, 2, 3), List.of(1, 2, 3), 2);
        Fleet.wideTableRefusing(db, WIDE, List.of(1, 2, 3), 2, "ship 2 rows are refused by policy");

        Cli result = Cli.run(db.runArgs("--migrator.chunk-size=PT30M"));

        assertEquals(3, result.exitCode(), result.toString());
        assertEquals(2, db.count("SELECT count(*) FROM migrator.dead_letter WHERE ship_id = '2' AND sql_state = '23514'"
                + " AND error LIKE '%ship 2 rows are refused by policy%' AND attempts = 1"));
        assertEquals(0, db.count("SELECT count(*) FROM migrator.dead_letter WHERE ship_id <> '2'"));
        assertEquals(List.of(List.of("1"), List.of("3")), db.rows("SELECT ship_id FROM migrator.ship_completion ORDER BY ship_id"));
        assertEquals(0, db.count("SELECT count(*) FROM " + WIDE + " WHERE ship_id = 2"));
        assertTrue(result.out().contains("2 chunks failed"), result.out());
    }

    /** Waits up to {@code interval} for the run to end; the pause between two faults. */
    private static boolean finishedWithin(Future<?> run, Duration interval) throws Exception {
        try {
            run.get(interval.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException stillRunning) {
            return false;
        }
    }

    private static void awaitDone(TestDb db, int chunks) {
        Await.until(chunks + " chunks done", RUN_TIMEOUT, () -> {
            try {
                return db.count("SELECT count(*) FROM migrator.chunk WHERE status = 'DONE'") >= chunks;
            } catch (IllegalStateException notYet) {
                return false;
            }
        });
    }

    private static long retries(TestDb db) {
        return db.count("SELECT coalesce(sum(attempts - 1), 0) FROM migrator.chunk WHERE attempts > 1");
    }

    private static long splits(TestDb db) {
        return db.count("SELECT count(*) FROM migrator.chunk WHERE status = 'SPLIT'");
    }

    private static void assertCompleteAndExact(TestDb db, int ships) {
        assertCompleteAndExact(db, ships, CHANNELS);
    }

    private static void assertCompleteAndExact(TestDb db, int ships, List<Integer> channels) {
        assertEquals(0, db.count("SELECT count(*) FROM migrator.dead_letter"), "no dead letters");
        assertEquals(0, db.count("SELECT count(*) FROM migrator.chunk WHERE status NOT IN ('DONE', 'SPLIT')"), "every chunk done");
        assertEquals(ships, db.count("SELECT count(*) FROM migrator.ship_completion"));
        SqlPivot.assertWideEqualsPivot(db, SOURCE, WIDE, SqlPivot.ids(channels), SqlPivot.prefixed(channels));
    }
}
