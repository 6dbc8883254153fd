package io.tsmigrator;

import io.tsmigrator.support.Cli;
import io.tsmigrator.support.Fleet;
import io.tsmigrator.support.SqlPivot;
import io.tsmigrator.support.TestDb;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code verify} passes on a faithful migration and names the windows that were tampered with. */
class VerifyCommandTest {

    private static final String NARROW = "tenant.tbl_data_timeseries";
    private static final String WIDE = "tenant.tbl_data_timeseries_wide";
    private static final List<Integer> CHANNELS = List.of(4, 8, 15);

    /**
     * Changes in the source after a complete run: a value corrected (counts unchanged), a late
     * reading at a new timestamp inside a migrated window, a whole timestamp deleted, and a smaller
     * duplicate of a reading (which changes nothing: the pivot keeps the larger). verify names
     * exactly the three changed windows; --requeue and a run make the wide table the SQL pivot again.
     */
    @Test
    void findsChangedValuesLateReadingsAndDeletesAndRequeueFixesThem() {
        TestDb db = new TestDb();
        Fleet.create(db, NARROW, List.of(1, 2, 3), CHANNELS, 3);
        assertEquals(0, Cli.run(db.runArgs("--migrator.chunk-size=PT30M")).exitCode());
        long windows = db.count("SELECT count(*) FROM migrator.chunk WHERE status = 'DONE'");
        Cli clean = Cli.run(db.commandArgs("verify"));

        // a reading alone in its (ship, time, channel), so that its update changes what the pivot keeps
        String single = "SELECT created_time FROM " + NARROW + " WHERE ship_id = 1 AND data_channel_id = 8 AND value IS NOT NULL"
                + " AND created_time >= '2024-03-01T00:40:00Z' AND (SELECT count(*) FROM " + NARROW + " d WHERE d.ship_id = 1"
                + " AND d.data_channel_id = 8 AND d.created_time = " + NARROW + ".created_time) = 1 ORDER BY created_time LIMIT 1";
        String updated = db.scalar("SELECT (" + single + ")::text").toString();
        db.execute("UPDATE " + NARROW + " SET value = value + 0.001 WHERE ship_id = 1 AND data_channel_id = 8 AND created_time = '" + updated + "'",
                "INSERT INTO " + NARROW + " VALUES (2, 4, '2024-03-01T00:10:00.5Z', 42.5)",
                "DELETE FROM " + NARROW + " WHERE ship_id = 3 AND created_time = (SELECT min(created_time) FROM " + NARROW
                        + " WHERE ship_id = 3 AND created_time >= '2024-03-01T02:05:00Z')",
                "INSERT INTO " + NARROW + " SELECT ship_id, data_channel_id, created_time, value - 7 FROM " + NARROW
                        + " WHERE ship_id = 2 AND value IS NOT NULL AND created_time >= '2024-03-01T01:40:00Z' ORDER BY created_time LIMIT 1");
        Set<String> changed = Set.of(windowOf(db, "1", updated), windowOf(db, "2", "2024-03-01T00:10:00.5Z"),
                windowOf(db, "3", db.scalar("SELECT (SELECT min(created_time) FROM " + NARROW + " WHERE ship_id = 3 AND created_time >= '2024-03-01T02:05:00Z')::text").toString()));

        Cli found = Cli.run(db.commandArgs("verify"));
        System.out.print(found.out());

        assertEquals(0, clean.exitCode(), clean.toString());
        assertTrue(clean.out().contains(windows + " windows checked, 0 differ"), clean.out());
        assertEquals(1, found.exitCode(), found.toString());
        assertTrue(found.out().contains(windows + " windows checked, 3 differ"), found.out());
        assertEquals(changed, listed(found), found.out());
        assertTrue(found.out().lines().anyMatch(l -> l.startsWith("1 ") && l.strip().endsWith(" values")), "the update changes no count: " + found.out());

        Cli requeue = Cli.run(db.commandArgs("verify", "--requeue"));
        long pending = db.count("SELECT count(*) FROM migrator.chunk WHERE status = 'PENDING'");
        Cli rerun = Cli.run(db.runArgs("--migrator.chunk-size=PT30M"));
        Cli after = Cli.run(db.commandArgs("verify"));

        assertEquals(1, requeue.exitCode(), requeue.toString());
        assertEquals(changed, listed(requeue), requeue.out());
        assertTrue(requeue.out().contains("3 windows requeued as PENDING"), requeue.out());
        assertEquals(3, pending);
        assertEquals(0, rerun.exitCode(), rerun.toString());
        SqlPivot.assertWideEqualsPivot(db, NARROW, WIDE, SqlPivot.ids(CHANNELS), SqlPivot.prefixed(CHANNELS));
        assertEquals(0, after.exitCode(), after.toString());
        assertTrue(after.out().contains(windows + " windows checked, 0 differ"), after.out());
    }

    /**
     * A late reading in a hole of a ship's history where no window is planned (a planner that plans
     * only where readings are leaves such holes; here the hole's empty windows are taken out of the
     * ledger): verify says so, and --requeue plans windows there that the next run migrates.
     */
    @Test
    void findsReadingsInAHoleWithoutWindowsAndRequeuePlansIt() {
        TestDb db = new TestDb();
        Fleet.create(db, NARROW, List.of(1, 2, 3), CHANNELS, 4); // ship 2 has no readings from 01:00 to 03:30
        assertEquals(0, Cli.run(db.runArgs("--migrator.chunk-size=PT30M")).exitCode());
        db.execute("DELETE FROM migrator.chunk WHERE ship_id = '2' AND rows_read = 0 AND window_start >= '2024-03-01T01:00:00Z'"
                        + " AND window_end <= '2024-03-01T03:30:00Z'",
                "INSERT INTO " + NARROW + " VALUES (2, 8, '2024-03-01T02:17:00Z', 17.25)");
        assertEquals(0, db.count("SELECT count(*) FROM migrator.chunk WHERE ship_id = '2' AND window_start < '2024-03-01T03:00:00Z'"
                + " AND window_end > '2024-03-01T01:30:00Z'"), "no window left in the hole");

        Cli found = Cli.run(db.commandArgs("verify"));
        Cli requeue = Cli.run(db.commandArgs("verify", "--requeue"));
        Cli rerun = Cli.run(db.runArgs("--migrator.chunk-size=PT30M"));
        Cli after = Cli.run(db.commandArgs("verify"));
        System.out.print(requeue.out());

        assertEquals(1, found.exitCode(), found.toString());
        assertTrue(found.out().lines().anyMatch(l -> l.startsWith("2 ") && l.contains("2024-03-01T01:00:00Z") && l.strip().endsWith("no window")),
                found.out());
        assertTrue(found.out().contains("0 differ; 1 gaps between windows hold readings no window covers"), found.out());
        assertEquals(1, requeue.exitCode(), requeue.toString());
        assertTrue(requeue.out().lines().anyMatch(l -> l.matches("0 windows requeued as PENDING, [1-9]\\d* planned in the gaps: .*")), requeue.out());
        assertEquals(0, rerun.exitCode(), rerun.toString());
        SqlPivot.assertWideEqualsPivot(db, NARROW, WIDE, SqlPivot.ids(CHANNELS), SqlPivot.prefixed(CHANNELS));
        assertEquals(0, after.exitCode(), after.toString());
    }

    @Test
    void requeueIsAnOptionOfVerifyOnly() {
        TestDb db = new TestDb();

        Cli run = Cli.run(db.runArgs("--requeue"));
        Cli value = Cli.run(db.commandArgs("verify", "--requeue=maybe"));

        assertEquals(2, run.exitCode(), run.toString());
        assertEquals("error: option '--requeue' is not known to the command 'run'; expected settings (--migrator.KEY=VALUE)", run.err().strip());
        assertEquals(2, value.exitCode(), value.toString());
        assertTrue(value.err().strip().startsWith("error: --requeue='maybe' is invalid"), value.err());
    }

    /** "ship window-start" of the DONE leaf chunk that holds a ship's time. */
    private static String windowOf(TestDb db, String ship, String time) {
        Object start = db.scalar("SELECT to_char(window_start AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US') FROM migrator.chunk"
                + " WHERE ship_id = ? AND status = 'DONE' AND window_start <= ?::timestamptz AND window_end > ?::timestamptz", ship, time, time);
        return ship + " " + java.time.LocalDateTime.parse(start.toString()).toInstant(java.time.ZoneOffset.UTC);
    }

    /** "ship window-start" of each window verify listed as different. */
    private static Set<String> listed(Cli verify) {
        return verify.out().lines().filter(l -> l.matches("^\\S+ +\\d{4}-.*")).map(l -> {
            String[] parts = l.split(" +");
            return parts[0] + " " + parts[1];
        }).collect(Collectors.toSet());
    }

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
