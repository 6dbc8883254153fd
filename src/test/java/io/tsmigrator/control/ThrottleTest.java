package io.tsmigrator.control;

import io.tsmigrator.ledger.ControlSchema;
import io.tsmigrator.support.Cli;
import io.tsmigrator.support.Fleet;
import io.tsmigrator.support.SqlPivot;
import io.tsmigrator.support.TestDb;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A rows-per-second throttle set in the control table holds a real run's pace near the limit. */
class ThrottleTest {

    private static final String SOURCE = "tenant.tbl_data_timeseries";
    private static final String WIDE = "tenant.tbl_data_timeseries_wide";
    private static final long LIMIT = 400;

    @Test
    void aRowsPerSecondLimitHoldsTheRateNearIt() throws Exception {
        TestDb db = new TestDb();
        // 4 channels, a reading every 5 s for 2 h: about 5,700 narrow rows, 240 a chunk
        Fleet.create(db, SOURCE, List.of(51), List.of(1, 2, 3, 4), 2);
        ControlSchema schema = new ControlSchema("migrator");
        schema.create(db.dataSource());
        new ControlTable(db.dataSource(), schema, WIDE).throttle(LIMIT, null);

        Cli run = Cli.run(db.runArgs("--migrator.chunk-size=PT5M", "--migrator.parallelism=2"));

        assertEquals(0, run.exitCode(), run.toString());
        SqlPivot.assertWideEqualsPivot(db, SOURCE, WIDE, SqlPivot.ids(List.of(1, 2, 3, 4)), SqlPivot.prefixed(List.of(1, 2, 3, 4)));
        // the first window's budget is spent at once; the pace after it is what the limit holds
        String steady = "WITH t AS (SELECT min(started_at) + interval '6 seconds' AS t0 FROM migrator.chunk)"
                + " SELECT sum(rows_read) / extract(epoch FROM max(finished_at) - (SELECT t0 FROM t)) FROM migrator.chunk WHERE finished_at > (SELECT t0 FROM t)";
        double rate = ((Number) db.scalar(steady)).doubleValue();
        long steadyRows = db.count("SELECT coalesce(sum(rows_read), 0) FROM migrator.chunk WHERE finished_at > (SELECT min(started_at) + interval '6 seconds' FROM migrator.chunk)");
        assertTrue(steadyRows >= 4 * LIMIT, "enough rows after the first window to measure: " + steadyRows);
        assertTrue(rate <= 1.3 * LIMIT, "rate " + rate + " rows/s with a limit of " + LIMIT);
        assertTrue(rate >= 0.5 * LIMIT, "rate " + rate + " rows/s with a limit of " + LIMIT);
    }
}
