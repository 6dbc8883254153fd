package io.tsmigrator;

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
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real run in its own JVM, serving on a port: the page, the status API, health and metrics
 * answer; the controls refuse a missing or wrong token and change nothing; a pause lets the chunks
 * in progress finish and claims no new one; a resume lets the run finish with the SQL pivot.
 */
class OperateHttpTest {

    private static final String SOURCE = "tenant.tbl_data_timeseries";
    private static final String WIDE = "tenant.tbl_data_timeseries_wide";
    private static final String TOKEN = "t0ken-" + Long.toHexString(System.nanoTime());
    private static final List<Integer> CHANNELS = List.of(1, 2, 3);

    @Test
    void endpointsAnswerControlsNeedTheTokenAndPauseHoldsTheRunUntilResume() throws Exception {
        TestDb db = new TestDb();
        Fleet.create(db, SOURCE, List.of(11, 12, 13), CHANNELS, 2);
        // the run starts paused (a pause survives restarts: it is in the control table)
        ControlSchema schema = new ControlSchema("migrator");
        schema.create(db.dataSource());
        ControlTable controls = new ControlTable(db.dataSource(), schema, WIDE);
        controls.pause(true);
        Http http = new Http(Http.freePort());
        ChildJvm run = ChildJvm.start(db.runArgs("--migrator.chunk-size=PT30S", "--migrator.parallelism=1",
                "--camel.server.port=" + http.port(), "--migrator.http.token=" + TOKEN, "--migrator.progress-interval=PT1S"));
        try {
            Await.until("the HTTP server", Duration.ofSeconds(180), () -> http.up() || !run.process().isAlive());
            assertTrue(run.process().isAlive(), run.output());
            Await.until("the plan", Duration.ofSeconds(30), () -> db.count("SELECT count(*) FROM migrator.chunk") > 0);

            Http.Answer page = http.get("/");
            assertEquals(200, page.status());
            assertTrue(page.body().contains("/api/status"), "the page reads the status API");
            // the status is computed at most once a second: the answer that saw the plan and the worker's first heartbeat
            Await.until("the status to show the plan and the worker", Duration.ofSeconds(30), () -> {
                String body = http.get("/api/status").body();
                return body.contains("\"ships\":[{\"ship\":\"11\"") && body.contains("\"workers\":[{");
            });
            Http.Answer status = http.get("/api/status");
            assertEquals(200, status.status());
            assertTrue(status.body().contains("\"state\":\"paused\""), status.body());
            assertTrue(status.body().contains("\"eta\":"), status.body());
            // the run captures changes (the default), so the figure is counted, not null
            assertTrue(status.body().contains("\"changedWindowsWaiting\":0,"), status.body());
            assertTrue(status.body().contains("\"ships\":[{\"ship\":\"11\""), status.body());
            assertTrue(status.body().contains("\"workers\":[{"), status.body());
            Http.Answer health = http.get("/observe/health");
            assertEquals(200, health.status(), health.body());
            assertTrue(health.body().contains("\"status\":\"UP\""), health.body());
            Http.Answer metrics = http.get("/observe/metrics");
            assertEquals(200, metrics.status());
            assertTrue(metrics.body().contains("migrator_chunks{status=\"pending\"}"), metrics.body());
            assertTrue(metrics.body().contains("migrator_paused 1.0"), metrics.body());
            assertTrue(metrics.body().contains("migrator_changed_windows_waiting 0.0"), metrics.body());
            assertEquals(0, db.count("SELECT count(*) FROM migrator.chunk WHERE status = 'DONE'"), "nothing is claimed while paused");

            // without the token, or with a wrong one: 401, and the run stays paused
            Http.Answer anonymous = http.post("/api/resume", null, null);
            assertEquals(401, anonymous.status());
            assertEquals(401, http.post("/api/resume", "wrong", null).status());
            assertEquals(401, http.post("/api/throttle", "wrong", "{\"maxRowsPerSecond\":10}").status());
            assertEquals(401, http.post("/api/dead-letters/1/replay", null, null).status());
            assertTrue(controls.read().paused());
            assertEquals(null, controls.read().maxRowsPerSecond());
            assertFalse(anonymous.headers().firstValue("Authorization").isPresent());

            assertEquals(200, http.post("/api/resume", TOKEN, null).status());
            Await.until("chunks to be done", Duration.ofSeconds(60), () -> db.count("SELECT count(*) FROM migrator.chunk WHERE status = 'DONE'") >= 5);

            Http.Answer pause = http.post("/api/pause", TOKEN, null);
            assertEquals(200, pause.status(), pause.body());
            assertTrue(controls.read().paused());
            // chunks in progress finish; then nothing more finishes while claims are refused
            Await.until("the chunks in progress to finish", Duration.ofSeconds(60),
                    () -> db.count("SELECT count(*) FROM migrator.chunk WHERE status = 'RUNNING'") == 0);
            long done = db.count("SELECT count(*) FROM migrator.chunk WHERE status = 'DONE'");
            assertTrue(done < db.count("SELECT count(*) FROM migrator.chunk"), "the pause came before the end");
            double refused = refusals(http);
            Await.until("several planning passes to be refused", Duration.ofSeconds(30), () -> refusals(http) >= refused + 5);
            assertEquals(done, db.count("SELECT count(*) FROM migrator.chunk WHERE status = 'DONE'"), "no chunk finished while paused");
            assertTrue(http.get("/api/status").body().contains("\"state\":\"paused\""));

            assertEquals(200, http.post("/api/resume", TOKEN, null).status());
            assertEquals(0, run.await(400), run.output());
        } finally {
            run.process().destroyForcibly();
        }
        SqlPivot.assertWideEqualsPivot(db, SOURCE, WIDE, SqlPivot.ids(CHANNELS), SqlPivot.prefixed(CHANNELS));
        assertFalse(run.output().contains(TOKEN), "the token is never printed");
        assertTrue(run.output().contains("progress: chunks"), run.output());
    }

    @Test
    void withoutATokenTheControlsAreDisabled() throws Exception {
        TestDb db = new TestDb();
        Fleet.create(db, SOURCE, List.of(21), CHANNELS, 1);
        ControlSchema schema = new ControlSchema("migrator");
        schema.create(db.dataSource());
        ControlTable controls = new ControlTable(db.dataSource(), schema, WIDE);
        controls.pause(true);
        Http http = new Http(Http.freePort());
        // with replicas watched: this server has none, so the lag reads as zero and nothing is held
        ChildJvm run = ChildJvm.start(db.runArgs("--camel.server.port=" + http.port(), "--migrator.throttle.max-replica-lag=PT10S"));
        try {
            Await.until("the HTTP server", Duration.ofSeconds(180), () -> http.up() || !run.process().isAlive());
            Http.Answer resume = http.post("/api/resume", "anything", null);
            assertEquals(403, resume.status(), resume.body());
            assertTrue(resume.body().contains("migrator.http.token"), resume.body());
            assertTrue(controls.read().paused(), "nothing changed");
            String status = http.get("/api/status").body();
            assertTrue(status.contains("\"controls\":{\"enabled\":false"), status);
            assertTrue(status.contains("\"replicaLag\":{\"watched\":true,\"seconds\":0.0,\"maxSeconds\":10.0}"), status);
            controls.pause(false);
            assertEquals(0, run.await(120), run.output());
        } finally {
            run.process().destroyForcibly();
        }
        SqlPivot.assertWideEqualsPivot(db, SOURCE, WIDE, SqlPivot.ids(CHANNELS), SqlPivot.prefixed(CHANNELS));
    }

    private static final Pattern REFUSED = Pattern.compile("^migrator_claims_refused_total ([0-9.E]+)$", Pattern.MULTILINE);

    private static double refusals(Http http) {
        Matcher m = REFUSED.matcher(http.get("/observe/metrics").body());
        assertTrue(m.find(), "migrator_claims_refused_total is served");
        return Double.parseDouble(m.group(1));
    }
}
