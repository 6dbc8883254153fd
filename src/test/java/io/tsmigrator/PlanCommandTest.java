package io.tsmigrator;

import io.tsmigrator.support.Cli;
import io.tsmigrator.support.Fleet;
import io.tsmigrator.support.TestDb;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code plan} shows what a run would do and writes nothing. */
class PlanCommandTest {

    @Test
    void showsShipsRangesChunksAndEstimatesWithoutWritingAnything() {
        TestDb db = new TestDb();
        Fleet.create(db, "tenant.tbl_data_timeseries", List.of(7, 42, 1001), List.of(1, 2, 3), 5);
        List<String> args = db.commandArgs("plan", "--migrator.chunk-size=PT30M");

        Cli plan = Cli.run(args);

        assertEquals(0, plan.exitCode(), plan.toString());
        // ship 7: 5 h in 30-minute chunks; ship 42 lost 01:00-03:30 of its 5 h: only windows with readings become chunks
        assertTrue(plan.out().lines().anyMatch(l -> l.startsWith("7 ") && l.contains("2024-03-01T00:00:00Z") && l.matches(".*\\s10\\s+\\d+$")), plan.out());
        assertTrue(plan.out().lines().anyMatch(l -> l.startsWith("42 ") && l.matches(".*\\s5\\s+\\d+$")), plan.out());
        assertTrue(plan.out().contains("3 ships, 25 chunks of PT30M"), plan.out());
        long estimate = Long.parseLong(plan.out().lines().filter(l -> l.startsWith("7 ")).findFirst().orElseThrow().replaceAll(".*\\s(\\d+)$", "$1"));
        long actual = db.count("SELECT count(*) FROM tenant.tbl_data_timeseries WHERE ship_id = 7");
        assertTrue(estimate > actual / 2 && estimate < actual * 2, "estimate " + estimate + " near " + actual);
        assertEquals(0, db.count("SELECT count(*) FROM pg_namespace WHERE nspname = 'migrator'"), "no control schema");
        assertEquals(0, db.count("SELECT count(*) FROM pg_class WHERE relname = 'tbl_data_timeseries_wide'"), "no wide table");
    }

    @Test
    void printsJsonAndRejectsAnUnknownShip() {
        TestDb db = new TestDb();
        Fleet.create(db, "tenant.tbl_data_timeseries", List.of(1, 2), List.of(1), 2);
        List<String> args = db.commandArgs("plan", "--json", "--migrator.ships=2");

        Cli json = Cli.run(args);
        args.set(args.size() - 1, "--migrator.ships=9");
        Cli unknown = Cli.run(args);

        assertEquals(0, json.exitCode(), json.toString());
        assertTrue(json.out().startsWith("{\"chunkSize\":\"PT1H\",\"ships\":[{\"ship\":\"2\",\"from\":\"2024-03-01T00:00:00Z\""), json.out());
        assertTrue(json.out().contains("\"chunks\":1,"), json.out());
        assertEquals(2, unknown.exitCode(), unknown.toString());
        assertEquals("error: migrator.ships='9' is invalid: expected ships that have readings in tenant.tbl_data_timeseries", unknown.err().strip());
    }
}
