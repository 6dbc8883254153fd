package io.tsmigrator.plan;

import io.tsmigrator.support.Cli;
import io.tsmigrator.support.Fleet;
import io.tsmigrator.support.SqlPivot;
import io.tsmigrator.support.TestDb;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ledger grows with the data, not with the time span: a reading stamped 1970 (a device clock
 * reset) and a 90-day dry dock cost a probe each, not a window per chunk size.
 */
class PlanningFollowsReadingsTest {

    private static final String SOURCE = "tenant.tbl_data_timeseries";
    private static final String WIDE = "tenant.tbl_data_timeseries_wide";
    private static final List<Integer> CHANNELS = List.of(1, 2);

    @Test
    void aClockResetReadingAndADryDockPlanOnlyTheWindowsWithReadings() {
        TestDb db = new TestDb();
        Fleet.create(db, SOURCE, List.of(7, 42), CHANNELS, 2);
        db.execute("INSERT INTO " + SOURCE + " VALUES (7, 1, timestamptz '1970-01-01 00:00:00+00', 1.0)",
                // ship 42 back from 90 days in dry dock, with readings on a window boundary and just before one
                "INSERT INTO " + SOURCE + " VALUES (42, 2, timestamptz '2024-05-30 00:00:00+00', 2.0), (42, 1, timestamptz '2024-05-30 00:59:59.999999+00', 3.0)");

        Cli doctor = Cli.run(db.commandArgs("doctor", "--migrator.chunk-size=PT1H"));
        assertTrue(doctor.out().lines().anyMatch(l -> l.contains("outlier readings") && l.contains("ship 7's first reading 1970-01-01T00:00:00Z")
                && !l.contains("ship 42")), doctor.toString());
        assertTrue(doctor.out().contains("--migrator.from=2024-03-01T00:00:00Z"), doctor.toString());

        Cli run = Cli.run(db.runArgs("--migrator.chunk-size=PT1H"));

        assertEquals(0, run.exitCode(), run.toString());
        SqlPivot.assertWideEqualsPivot(db, SOURCE, WIDE, SqlPivot.ids(CHANNELS), SqlPivot.prefixed(CHANNELS));
        // ship 7: its two hours and the 1970 hour; ship 42: its first hour (the fleet's hole takes its
        // second) and the hour after the dry dock, which holds both of its readings
        assertEquals(3, db.count("SELECT count(*) FROM migrator.chunk WHERE ship_id = '7'"));
        assertEquals(2, db.count("SELECT count(*) FROM migrator.chunk WHERE ship_id = '42'"));
        assertEquals(0, db.count("SELECT count(*) FROM migrator.chunk WHERE extract(epoch FROM window_start)::bigint % 3600 <> 0"
                + " OR window_end - window_start <> interval '1 hour'"), "every window is a whole aligned hour");
    }

    @Test
    void aSecondRunWithAnEarlierStartPlansOnlyTheNewHead() {
        TestDb db = new TestDb();
        Fleet.create(db, SOURCE, List.of(7), CHANNELS, 4);
        assertEquals(0, Cli.run(db.runArgs("--migrator.from=2024-03-01T02:30:00Z")).exitCode());
        long first = db.count("SELECT count(*) FROM migrator.chunk");
        assertEquals(2, first, "02:30-03:00 (clipped at migrator.from) and 03:00-04:00");

        Cli wider = Cli.run(db.runArgs());

        assertEquals(0, wider.exitCode(), wider.toString());
        assertEquals(0, db.count("SELECT count(*) FROM migrator.chunk a JOIN migrator.chunk b ON a.id < b.id AND a.ship_id = b.ship_id"
                + " AND a.window_start < b.window_end AND b.window_start < a.window_end"), "no two windows overlap");
        assertTrue(db.count("SELECT count(*) FROM migrator.chunk") > first);
        SqlPivot.assertWideEqualsPivot(db, SOURCE, WIDE, SqlPivot.ids(CHANNELS), SqlPivot.prefixed(CHANNELS));
    }
}
