package io.tsmigrator;

import io.tsmigrator.support.Cli;
import io.tsmigrator.support.Fleet;
import io.tsmigrator.support.TestDb;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code verify} passes on a faithful migration and names the windows that were tampered with. */
class VerifyCommandTest {

    private static final String WIDE = "tenant.tbl_data_timeseries_wide";

    @Test
    void matchesAfterARunAndListsTheWindowsThatDiffer() {
        TestDb db = new TestDb();
        Fleet.create(db, "tenant.tbl_data_timeseries", List.of(1, 2, 3), List.of(4, 8, 15), 3);
        assertEquals(0, Cli.run(db.runArgs("--migrator.chunk-size=PT30M")).exitCode());
        long windows = db.count("SELECT count(*) FROM migrator.chunk");

        Cli clean = Cli.run(db.commandArgs("verify"));
        db.execute("DELETE FROM " + WIDE + " WHERE ship_id = 1 AND created_time = (SELECT min(created_time) FROM " + WIDE
                        + " WHERE ship_id = 1 AND created_time >= '2024-03-01T01:00:00Z')",
                "UPDATE " + WIDE + " SET ch_8 = NULL WHERE ship_id = 3 AND ch_8 IS NOT NULL AND created_time = (SELECT min(created_time) FROM "
                        + WIDE + " WHERE ship_id = 3 AND ch_8 IS NOT NULL AND created_time >= '2024-03-01T02:30:00Z')");
        Cli tampered = Cli.run(db.commandArgs("verify"));
        System.out.print(tampered.out());

        assertEquals(0, clean.exitCode(), clean.toString());
        assertTrue(clean.out().contains(windows + " windows checked, 0 differ"), clean.out());
        assertEquals(1, tampered.exitCode(), tampered.toString());
        assertTrue(tampered.out().contains(windows + " windows checked, 2 differ"), tampered.out());
        assertTrue(tampered.out().lines().anyMatch(l -> l.startsWith("1 ") && l.contains("2024-03-01T01:00:00Z")), tampered.out());
        assertTrue(tampered.out().lines().anyMatch(l -> l.startsWith("3 ") && l.contains("2024-03-01T02:30:00Z")), tampered.out());
    }

    @Test
    void withoutALedgerItSaysRunFirst() {
        TestDb db = new TestDb();
        Fleet.create(db, "tenant.tbl_data_timeseries", List.of(1), List.of(1), 1);
        db.execute("CREATE TABLE " + WIDE + " (ship_id integer, created_time timestamptz, ch_1 double precision)");

        Cli verify = Cli.run(db.commandArgs("verify"));

        assertEquals(2, verify.exitCode(), verify.toString());
        assertEquals("error: migrator.control-schema='migrator' is invalid: expected a schema with a chunk ledger (run first)", verify.err().strip());
    }

}
