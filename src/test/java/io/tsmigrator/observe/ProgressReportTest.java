package io.tsmigrator.observe;

import io.tsmigrator.ledger.ControlSchema;
import io.tsmigrator.support.Cli;
import io.tsmigrator.support.Fleet;
import io.tsmigrator.support.TestDb;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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

        Progress p = new ProgressQuery(db.dataSource(), new ControlSchema("migrator"), WIDE).read();

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
}
