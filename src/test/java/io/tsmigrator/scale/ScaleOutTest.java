package io.tsmigrator.scale;

import io.tsmigrator.support.ChildJvm;
import io.tsmigrator.support.Fleet;
import io.tsmigrator.support.SqlPivot;
import io.tsmigrator.support.TestDb;
import org.junit.jupiter.api.Test;

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
