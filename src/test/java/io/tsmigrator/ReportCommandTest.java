package io.tsmigrator;

import io.tsmigrator.support.Cli;
import io.tsmigrator.support.Fleet;
import io.tsmigrator.support.TestDb;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code report} reads the ledger: per-ship status, durations, failures by SQLState, and the fixed-cutoff signature. */
class ReportCommandTest {

    private static final String WIDE = "tenant.tbl_data_timeseries_wide";

    @Test
    void showsPerShipStatusDeadLettersAndFailuresBySqlState() {
        TestDb db = new TestDb();
        Fleet.create(db, "tenant.tbl_data_timeseries", List.of(1, 2, 3), List.of(1, 2), 2);
        Fleet.wideTableRefusing(db, WIDE, List.of(1, 2), 3, "ship 3 is refused");
        assertEquals(3, Cli.run(db.runArgs("--migrator.chunk-size=PT30M")).exitCode());

        Cli report = Cli.run(db.commandArgs("report"));
        System.out.print(report.out());

        assertEquals(0, report.exitCode(), report.toString());
        assertTrue(report.out().lines().anyMatch(l -> l.matches("1\\s+4\\s+4\\s+0\\s+0\\s+0\\s+0\\s+0\\s+100\\.0%\\s+\\d+\\s+14\\d\\d")), report.out());
        assertTrue(report.out().lines().anyMatch(l -> l.matches("3\\s+4\\s+0\\s+4\\s+0\\s+0\\s+0\\s+0\\s+0\\.0%\\s+0\\s+0")), report.out());
        assertTrue(report.out().contains("dead letters: 4 open, 4 in all"), report.out());
        assertTrue(report.out().lines().anyMatch(l -> l.matches("\\s+23514\\s+PERMANENT\\s+4\\s+ERROR: ship 3 is refused Where: PL/pgSQL function tenant.refuse\\(\\) line 1 at RAISE.*")), report.out());
        assertTrue(report.out().lines().anyMatch(l -> l.matches("chunk duration \\(6 done\\): min \\d+ ms, median \\d+ ms, mean \\d+ ms, max \\d+ ms")), report.out());
        assertFalse(report.out().contains("fixed cutoff"), report.out());
    }

    @Test
    void namesTheFixedCutoffWhenMostFailuresShareOneElapsedTime() {
        TestDb db = new TestDb();
        Fleet.create(db, "tenant.tbl_data_timeseries", List.of(1), List.of(1), 1);
        assertEquals(0, Cli.run(db.runArgs()).exitCode());
        // the old tool's history: 42 of 90 attempts died at 8126.46 s, the others anywhere
        db.execute("INSERT INTO migrator.failure (job, chunk_id, ship_id, attempt, kind, sql_state, error, elapsed_ms)"
                + " SELECT 'tenant.tbl_data_timeseries_wide', (SELECT min(id) FROM migrator.chunk), '1', 1, 'TRANSIENT', '08003',"
                + "  'This connection has been closed.', CASE WHEN g <= 42 THEN 8126460 + (g % 5) * 1000 ELSE 950270 + g * 70000 END"
                + " FROM generate_series(1, 90) g");

        Cli report = Cli.run(db.commandArgs("report"));
        Cli json = Cli.run(db.commandArgs("report", "--json"));

        assertEquals(0, report.exitCode(), report.toString());
        assertTrue(report.out().contains("fixed cutoff: 42 of 90 failed attempts ended after 8128 s ± 1%"), report.out());
        assertTrue(report.out().lines().anyMatch(l -> l.matches("\\s+08003\\s+TRANSIENT\\s+90\\s+This connection has been closed\\.")), report.out());
        assertTrue(json.out().contains("\"fixedCutoff\":{\"count\":42,\"total\":90,\"seconds\":8128.46}"), json.out());
    }

    @Test
    void saysSoWhenNothingHasRun() {
        TestDb db = new TestDb();
        Fleet.create(db, "tenant.tbl_data_timeseries", List.of(1), List.of(1), 1);

        Cli report = Cli.run(db.commandArgs("report"));

        assertEquals(0, report.exitCode(), report.toString());
        assertTrue(report.out().startsWith("no ledger in schema migrator"), report.out());
    }

}
