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
        // The limit is measured over a sliding 5 s window whose first budget is spent at once: over a
        // run of T seconds it admits at most LIMIT x (T + 5 s) rows, plus the chunks in flight.
        double seconds = ((Number) db.scalar("SELECT extract(epoch FROM max(finished_at) - min(claimed_at)) FROM migrator.chunk")).doubleValue();
        long rows = db.count("SELECT sum(rows_read) FROM migrator.chunk");
        assertTrue(seconds > 8, "long enough to measure: " + seconds + " s");
        double admitted = rows / (seconds + 5);
        double paced = rows / seconds;
        assertTrue(admitted <= 1.25 * LIMIT, rows + " rows in " + seconds + " s with a limit of " + LIMIT + " rows/s");
        assertTrue(paced >= 0.5 * LIMIT, rows + " rows in " + seconds + " s with a limit of " + LIMIT + " rows/s");
    }
}
