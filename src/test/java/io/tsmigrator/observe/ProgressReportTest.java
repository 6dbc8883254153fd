package io.tsmigrator.observe;

import io.tsmigrator.ledger.ControlSchema;
import io.tsmigrator.support.Cli;
import io.tsmigrator.support.Fleet;
import io.tsmigrator.support.TestDb;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The progress figures come from the ledger: a finished run's, read afresh, and report prints the same line. */
class ProgressReportTest {

    private static final String SOURCE = "tenant.tbl_data_timeseries";
    private static final String WIDE = "tenant.tbl_data_timeseries_wide";

    @Test
    void progressIsReadFromTheLedgerAndReportShowsTheSameFigures() throws Exception {
        TestDb db = new TestDb();
        Fleet.create(db, SOURCE, List.of(5, 6), List.of(1, 2), 2);
        Cli run = Cli.run(db.runArgs("--migrator.chunk-size=PT10M", "--migrator.progress-interval=PT0.5S"));
        assertEquals(0, run.exitCode(), run.toString());

        Progress p = new ProgressQuery(db.dataSource(), new ControlSchema("migrator"), WIDE, true).read();

        assertEquals(db.count("SELECT count(*) FROM migrator.chunk WHERE status <> 'SPLIT'"), p.chunks());
        assertEquals(p.chunks(), p.done());
        assertEquals(db.count("SELECT count(*) FROM " + SOURCE), p.narrowRows(), "every narrow row read once");
        assertEquals(db.count("SELECT count(*) FROM " + WIDE), p.wideRows());
        assertEquals(2, p.ships().size());
        assertTrue(p.caughtUp());
        assertEquals(java.time.Duration.ZERO, p.eta(), "nothing left");
        assertNotNull(p.lag(), "the newest migrated window is known");
        assertTrue(p.rowsPerSecondSinceStart() > 0);

        Cli report = Cli.run(db.commandArgs("report"));
        assertEquals(0, report.exitCode(), report.toString());
        String line = ProgressLine.of(p, null);
        String figures = line.substring(0, line.indexOf(" rows/s")).replaceAll(", [0-9.]+$", "");
        assertTrue(report.out().startsWith("progress: " + figures), "report's first line:\n" + report.out() + "\nexpected to start with " + figures);
        Cli json = Cli.run(db.commandArgs("report", "--json"));
        assertTrue(json.out().contains("\"progress\":{\"chunksDone\":" + p.done() + ",\"chunks\":" + p.chunks() + ",\"narrowRows\":" + p.narrowRows()),
                json.out());
    }

    /** A change-capture mark accepted for re-migration (a row of the ledger's remigration table) waits until its window is done again. */
    @Test
    void changedWindowsWaitingAreCountedPerShipWhenTheJobCapturesChanges() throws Exception {
        TestDb db = new TestDb();
        Fleet.create(db, SOURCE, List.of(5, 6), List.of(1, 2), 1);
        assertEquals(0, Cli.run(db.runArgs("--migrator.chunk-size=PT20M")).exitCode());
        ControlSchema schema = new ControlSchema("migrator");
        Progress before = new ProgressQuery(db.dataSource(), schema, WIDE, true).read();

        db.execute("INSERT INTO migrator.remigration (job, ship_id, window_start, window_end, version)"
                + " SELECT job, ship_id, window_start, window_end, 1 FROM migrator.chunk WHERE ship_id = '6' ORDER BY window_start LIMIT 2");
        Progress marked = new ProgressQuery(db.dataSource(), schema, WIDE, true).read();

        assertEquals(0L, before.changedWindowsWaiting());
        assertEquals(2L, marked.changedWindowsWaiting());
        assertEquals(2L, marked.changedWindowsWaiting("6"));
        assertEquals(0L, marked.changedWindowsWaiting("5"));
        assertTrue(ProgressLine.of(marked, null).endsWith(", changed windows waiting 2"), ProgressLine.of(marked, null));
        assertNull(new ProgressQuery(db.dataSource(), schema, WIDE, false).read().changedWindowsWaiting(), "a job without capture");
    }
}
