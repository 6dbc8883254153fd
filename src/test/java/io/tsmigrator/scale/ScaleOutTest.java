package io.tsmigrator.scale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tsmigrator.control.ControlTable;
import io.tsmigrator.ledger.ControlSchema;
import io.tsmigrator.support.Await;
import io.tsmigrator.support.ChildJvm;
import io.tsmigrator.support.Fleet;
import io.tsmigrator.support.Http;
import io.tsmigrator.support.SqlPivot;
import io.tsmigrator.support.TestDb;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Several migrator processes on one ledger, as on several hosts: each a JVM of its own, started
 * as a user would. Every process claims and migrates chunks; the clustered planning timer lets one
 * of them plan each pass, which the ledger's {@code plan_pass} rows show.
 */
class ScaleOutTest {

    static final String SOURCE = "tenant.tbl_data_timeseries";
    static final String WIDE = "tenant.tbl_data_timeseries_wide";
    static final List<Integer> CHANNELS = List.of(1, 2, 3, 5, 8, 13, 21, 34);

    @Test
    void twoBatchRunsOnOneLedgerBothEndWithTheSqlPivotAndOnePlan() throws Exception {
        TestDb db = new TestDb();
        Fleet.create(db, SOURCE, "integer", "integer", "timestamptz", "double precision", List.of(1, 2, 3), CHANNELS, 4, 2);
        ChildJvm a = ChildJvm.start(db.runArgs("--migrator.chunk-size=PT10M"));
        ChildJvm b = ChildJvm.start(db.runArgs("--migrator.chunk-size=PT10M"));

        assertEquals(0, a.await(180), a.output());
        assertEquals(0, b.await(180), b.output());

        assertEquals(0, db.count("SELECT count(*) FROM migrator.chunk WHERE status NOT IN ('DONE', 'SPLIT')"), "every chunk done");
        assertEquals(0, db.count("SELECT count(*) FROM migrator.dead_letter"), "no dead letters");
        assertEquals(3, db.count("SELECT count(*) FROM migrator.ship_completion"));
        SqlPivot.assertWideEqualsPivot(db, SOURCE, WIDE, SqlPivot.ids(CHANNELS), SqlPivot.prefixed(CHANNELS));
        assertPassesNeverOverlap(db);
        // the plan was written once: the passes together added each planned chunk exactly once
        assertEquals(db.count("SELECT count(*) FROM migrator.chunk WHERE parent_id IS NULL"),
                db.count("SELECT coalesce(sum(chunks_added), 0) FROM migrator.plan_pass"), "chunks added by the planning passes");
        assertTrue(db.count("SELECT count(DISTINCT owner) FROM migrator.chunk WHERE status = 'DONE'") >= 1);
        System.out.printf("two batch processes: %d planning passes by %d processes; chunks done by %d processes%n",
                db.count("SELECT count(*) FROM migrator.plan_pass"), db.count("SELECT count(DISTINCT owner) FROM migrator.plan_pass"),
                db.count("SELECT count(DISTINCT owner) FROM migrator.chunk WHERE status = 'DONE'"));
    }

    /**
     * Three {@code run --follow} processes, each serving its own port. Once they work, the one that
     * holds the clustered planning trigger is SIGKILLed; then late readings
     * arrive in windows migrated long ago and in a window never planned. The survivors take the
     * planning over, bring the wide table back to the SQL pivot, show the dead worker as not alive,
     * and end with exit 0 on SIGTERM; no two planning passes overlapped.
     */
    @Test
    void threeFollowRunsOneKilledThenLateReadingsTheSurvivorsCatchUpAndStop() throws Exception {
        TestDb db = new TestDb();
        Fleet.create(db, SOURCE, "integer", "integer", "timestamptz", "double precision", List.of(1, 2, 3), CHANNELS, 2, 5);
        schema(db); // the ledger's tables exist before the processes do, so the test can watch them from the start
        long t0 = System.nanoTime();
        List<ChildJvm> runs = new ArrayList<>();
        List<Http> ports = new ArrayList<>();
        ChildJvm killed = null;
        try {
            for (int i = 0; i < 3; i++) {
                Http http = new Http(Http.freePort());
                ports.add(http);
                runs.add(ChildJvm.start(db.runArgs("--follow", "--migrator.chunk-size=PT10M",
                        "--migrator.follow.settle=PT2S", "--camel.server.port=" + http.port())));
            }
            Await.until("three workers migrating", Duration.ofSeconds(120), () -> {
                runs.forEach(r -> assertTrue(r.process().isAlive(), r.output()));
                return db.count("SELECT count(*) FROM migrator.worker") == 3
                        && db.count("SELECT count(*) FROM migrator.chunk WHERE status = 'DONE'") > 0
                        && db.count("SELECT count(*) FROM migrator.plan_pass WHERE finished_at IS NOT NULL") > 0;
            });

            double joined = (System.nanoTime() - t0) / 1e9;
            // the process that holds the planning trigger (Quartz's fired_triggers name it: each process
            // joins the cluster under its owner id) is the one to kill
            String[] holder = new String[1];
            Await.until("a process to hold the planning trigger", Duration.ofSeconds(30), () -> {
                holder[0] = (String) db.scalar("SELECT instance_name FROM migrator.qrtz_fired_triggers LIMIT 1");
                return holder[0] != null;
            });
            String planner = holder[0];
            killed = runs.stream().filter(r -> planner.startsWith(r.process().pid() + "@")).findFirst()
                    .orElseThrow(() -> new AssertionError("no child runs as " + planner));
            killed.process().destroyForcibly(); // SIGKILL
            killed.process().waitFor();
            java.sql.Timestamp killedAt = (java.sql.Timestamp) db.scalar("SELECT clock_timestamp()");
            boolean heldTick = db.count("SELECT count(*) FROM migrator.qrtz_fired_triggers WHERE instance_name = ?", planner) > 0;
            int killedIndex = runs.indexOf(killed);
            List<ChildJvm> survivors = runs.stream().filter(r -> r != runs.get(killedIndex)).toList();

            // late readings: a new sub-second timestamp in an old window, a larger duplicate at an existing
            // timestamp, and a new timestamp in a window no pass planned (the source's history ended in 2024)
            db.execute("INSERT INTO " + SOURCE + " VALUES (1, 1, '2024-03-01 00:30:00.25+00', 1.5), (1, 8, '2024-03-01 00:30:00.25+00', 8.5)",
                    "INSERT INTO " + SOURCE + " SELECT ship_id, data_channel_id, created_time, 5000 FROM " + SOURCE
                            + " WHERE ship_id = 3 AND data_channel_id = 2 AND created_time = (SELECT min(created_time) FROM " + SOURCE
                            + " WHERE ship_id = 3 AND created_time >= '2024-03-01 01:00+00')",
                    "INSERT INTO " + SOURCE + " VALUES (2, 1, date_trunc('second', now()) - interval '30 minutes', 2.25),"
                            + " (2, 3, date_trunc('second', now()) - interval '30 minutes', 2.75)");

            Await.until("the survivors to bring the wide table to the pivot", Duration.ofSeconds(90), () -> {
                survivors.forEach(r -> assertTrue(r.process().isAlive(), r.output()));
                try {
                    SqlPivot.assertWideEqualsPivot(db, SOURCE, WIDE, SqlPivot.ids(CHANNELS), SqlPivot.prefixed(CHANNELS));
                    return true;
                } catch (AssertionError | RuntimeException notYet) {
                    return false;
                }
            });

            double caughtUp = (System.nanoTime() - t0) / 1e9 - joined;
            System.out.printf("three follow processes: all working %.1f s after their start; the survivors reached the pivot %.1f s after the SIGKILL%n",
                    joined, caughtUp);
            // a survivor's status lists the workers, the killed one not alive (not seen for a lease)
            Http survivorPort = ports.get(killedIndex == 0 ? 1 : 0);
            long killedPid = killed.process().pid();
            ObjectMapper json = new ObjectMapper();
            Await.until("a survivor's status to show the killed worker not alive", Duration.ofSeconds(30), () -> {
                try {
                    JsonNode workers = json.readTree(survivorPort.get("/api/status").body()).get("workers");
                    boolean selfAlive = false;
                    boolean killedDead = false;
                    for (JsonNode w : workers) {
                        selfAlive |= w.get("self").asBoolean() && w.get("alive").asBoolean();
                        killedDead |= w.get("pid").asLong() == killedPid && !w.get("alive").asBoolean();
                    }
                    return workers.size() >= 2 && selfAlive && killedDead;
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });

            // the planning moved: a survivor finished a pass after the kill, and Quartz's cluster dropped the dead instance
            assertTrue(db.count("SELECT count(*) FROM migrator.plan_pass WHERE started_at > ? AND finished_at IS NOT NULL AND owner <> ?",
                    killedAt, planner) > 0, "a survivor planned after the kill");
            System.out.printf("planning moved to a survivor %.1f s after the SIGKILL (the killed process %s the planning tick)%n", ((Number) db.scalar(
                    "SELECT extract(epoch FROM min(started_at) - ?::timestamptz) FROM migrator.plan_pass WHERE started_at > ?", killedAt, killedAt)).doubleValue(), heldTick ? "held" : "did not hold");
            Await.until("Quartz's cluster to recover the killed instance", Duration.ofSeconds(30),
                    () -> db.count("SELECT count(*) FROM migrator.qrtz_scheduler_state WHERE instance_name = ?", planner) == 0);
            assertEquals(2, db.count("SELECT count(*) FROM migrator.qrtz_scheduler_state"), "the survivors are the planning cluster");

            for (ChildJvm survivor : survivors) {
                survivor.process().destroy(); // SIGTERM
            }
            for (ChildJvm survivor : survivors) {
                assertEquals(0, survivor.await(60), survivor.output());
            }
        } finally {
            runs.forEach(r -> r.process().destroyForcibly());
        }
        assertPassesNeverOverlap(db);
        assertEquals(0, db.count("SELECT count(*) FROM migrator.dead_letter"), "no dead letters");
        // nothing failed: a chunk delivered twice would show as a failed attempt (its second COPY meets the first's rows)
        assertEquals(List.of(), db.rows("SELECT chunk_id, kind, sql_state, error FROM migrator.failure"), "failed attempts");
        SqlPivot.assertWideEqualsPivot(db, SOURCE, WIDE, SqlPivot.ids(CHANNELS), SqlPivot.prefixed(CHANNELS));
    }

    /**
     * A rows-per-second throttle holds the job as a whole: two processes together stay near the
     * limit instead of reaching twice it. Both start paused, so both are claiming from the start.
     */
    @Test
    void aRowsPerSecondThrottleIsSharedByTwoProcesses() throws Exception {
        long limit = 300;
        TestDb db = new TestDb();
        // 4 channels, a reading every 5 s for 2 h: about 5,700 narrow rows, 240 a chunk. At the limit that
        // takes about 14 s (the first 5 s window's budget is spent at once); at twice the limit 5 s,
        // which the bounds below refuse (5,700 rows in 5 s + 5 s is 570 rows/s, above 1.25 x 300)
        Fleet.create(db, SOURCE, List.of(51), List.of(1, 2, 3, 4), 2);
        ControlTable controls = new ControlTable(db.dataSource(), schema(db), WIDE);
        controls.pause(true);
        controls.throttle(limit, null);
        List<String> args = db.runArgs("--migrator.chunk-size=PT5M", "--migrator.parallelism=2");
        ChildJvm a = ChildJvm.start(args);
        ChildJvm b = ChildJvm.start(args);
        try {
            Await.until("both processes to join", Duration.ofSeconds(120), () -> {
                assertTrue(a.process().isAlive(), a.output());
                assertTrue(b.process().isAlive(), b.output());
                return db.count("SELECT count(*) FROM migrator.worker") == 2;
            });
            controls.pause(false);
            assertEquals(0, a.await(120), a.output());
            assertEquals(0, b.await(120), b.output());
        } finally {
            a.process().destroyForcibly();
            b.process().destroyForcibly();
        }
        SqlPivot.assertWideEqualsPivot(db, SOURCE, WIDE, SqlPivot.ids(List.of(1, 2, 3, 4)), SqlPivot.prefixed(List.of(1, 2, 3, 4)));
        assertEquals(2, db.count("SELECT count(DISTINCT owner) FROM migrator.chunk WHERE status = 'DONE'"), "both processes migrated chunks");
        // as in ThrottleTest: over T seconds the sliding 5 s window admits at most limit x (T + 5 s) rows, whoever claims
        double seconds = ((Number) db.scalar("SELECT extract(epoch FROM max(finished_at) - min(claimed_at)) FROM migrator.chunk")).doubleValue();
        long rows = db.count("SELECT sum(rows_read) FROM migrator.chunk");
        System.out.printf("two throttled processes: %d rows in %.1f s (limit %d rows/s)%n", rows, seconds, limit);
        assertTrue(seconds > 8, "long enough to measure: " + seconds + " s");
        assertTrue(rows / (seconds + 5) <= 1.25 * limit, rows + " rows in " + seconds + " s by two processes with a limit of " + limit + " rows/s");
        assertTrue(rows / seconds >= 0.5 * limit, rows + " rows in " + seconds + " s by two processes with a limit of " + limit + " rows/s");
    }

    private static ControlSchema schema(TestDb db) throws Exception {
        ControlSchema schema = new ControlSchema("migrator");
        schema.create(db.dataSource());
        return schema;
    }

    /** No two planning passes ran at the same time (a pass whose process died counts as running until its lease ends). */
    static void assertPassesNeverOverlap(TestDb db) {
        assertTrue(db.count("SELECT count(*) FROM migrator.plan_pass WHERE finished_at IS NOT NULL") > 0, "a planning pass finished");
        List<List<Object>> overlapping = db.rows("SELECT a.owner, a.started_at, a.finished_at, b.owner, b.started_at, b.finished_at"
                + " FROM migrator.plan_pass a JOIN migrator.plan_pass b ON a.job = b.job AND a.id < b.id"
                + " WHERE a.started_at < coalesce(b.finished_at, b.started_at + interval '5 seconds')"
                + "   AND b.started_at < coalesce(a.finished_at, a.started_at + interval '5 seconds')");
        assertEquals(List.of(), overlapping, "planning passes that overlap");
    }
}
