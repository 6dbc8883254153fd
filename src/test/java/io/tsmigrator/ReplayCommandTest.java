package io.tsmigrator;

import io.tsmigrator.support.Cli;
import io.tsmigrator.support.Fleet;
import io.tsmigrator.support.SqlPivot;
import io.tsmigrator.support.TestDb;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code replay}: dead letters run again through the same pipeline and keep their history; imported
 * window lists queue exactly their windows; bad input queues nothing.
 */
class ReplayCommandTest {

    private static final String SOURCE = "tenant.tbl_data_timeseries";
    private static final String WIDE = "tenant.tbl_data_timeseries_wide";
    private static final List<Integer> CHANNELS = List.of(1, 2, 3);

    @Test
    void deadLettersOfAFixedFaultReplayToACompleteLedgerAndKeepTheirHistory() {
        TestDb db = new TestDb();
        Fleet.create(db, SOURCE, List.of(1, 2, 3), CHANNELS, 2);
        Fleet.wideTableRefusing(db, WIDE, CHANNELS, 3, "ship 3 rows are refused by policy");
        assertEquals(3, Cli.run(db.runArgs("--migrator.chunk-size=PT30M")).exitCode());
        long letters = db.count("SELECT count(*) FROM migrator.dead_letter WHERE ship_id = '3'");
        assertTrue(letters >= 4, "ship 3's chunks are dead letters: " + letters);

        Cli otherShip = Cli.run(db.commandArgs("replay", "--ship=1"));
        Cli stillBroken = Cli.run(db.commandArgs("replay", "--sql-state=23514", "--json"));
        long reopened = db.count("SELECT count(*) FROM migrator.dead_letter WHERE replayed_at IS NULL");
        long failedAgain = db.count("SELECT count(*) FROM migrator.dead_letter WHERE replay_outcome = 'failed'");
        db.execute("DROP TRIGGER refuse ON " + WIDE);
        Cli fixed = Cli.run(db.commandArgs("replay", "--ship=3", "--since=2020-01-01"));
        List<List<Object>> xminsAfterReplay = db.rows("SELECT xmin::text FROM " + WIDE + " ORDER BY ship_id, created_time");
        Cli twice = Cli.run(db.commandArgs("replay"));
        Cli report = Cli.run(db.commandArgs("report"));
        System.out.print(fixed.out() + report.out());

        assertEquals(0, otherShip.exitCode(), otherShip.toString());
        assertTrue(otherShip.out().contains("nothing to replay: no open dead letter matches --ship=1"), otherShip.out());
        assertEquals(3, stillBroken.exitCode(), stillBroken.toString());
        // dead letter ids follow the order in which chunks failed, so only the first id is known
        assertTrue(stillBroken.out().startsWith("{\"replayed\":[{\"id\":1,\"ship\":\"3\",\"window\":\"[2024-03-01T"), stillBroken.out());
        assertTrue(stillBroken.out().contains("\"ship\":\"3\",\"window\":\"[2024-03-01T00:30:00Z, 2024-03-01T01:00:00Z)\",\"sqlState\":\"23514\",\"outcome\":\"failed\""),
                stillBroken.out());
        assertEquals(letters, stillBroken.out().split("\"outcome\":\"failed\"", -1).length - 1, stillBroken.out());
        assertTrue(stillBroken.out().contains("\"importedWindows\":0,\"unfinishedChunks\":0,\"failedChunks\":" + letters + "}"), stillBroken.out());
        assertEquals(letters, failedAgain, "each replayed dead letter failed again and says so");
        assertEquals(letters, reopened, "each failure again is a new open dead letter");

        assertEquals(0, fixed.exitCode(), fixed.toString());
        SqlPivot.assertWideEqualsPivot(db, SOURCE, WIDE, SqlPivot.ids(CHANNELS), SqlPivot.prefixed(CHANNELS));
        assertEquals(0, db.count("SELECT count(*) FROM migrator.chunk WHERE status NOT IN ('DONE', 'SPLIT')"), "the ledger is complete");
        assertEquals(List.of(List.of("1"), List.of("2"), List.of("3")), db.rows("SELECT ship_id FROM migrator.ship_completion ORDER BY ship_id"));
        assertEquals(2 * letters, db.count("SELECT count(*) FROM migrator.dead_letter WHERE ship_id = '3' AND replayed_at IS NOT NULL"),
                "no dead letter was deleted, every one is marked replayed");
        assertEquals(letters, db.count("SELECT count(*) FROM migrator.dead_letter WHERE replay_outcome = 'done'"));
        assertEquals(2 * letters, db.count("SELECT count(*) FROM migrator.failure WHERE ship_id = '3'"),
                "the failure history keeps the attempts of the run and of the first replay; the last replay's succeeded");
        assertEquals(letters, fixed.out().lines().filter(l -> l.endsWith(" done") && l.contains(" 3 ")).count(), fixed.out());

        assertEquals(0, twice.exitCode(), twice.toString());
        assertTrue(twice.out().contains("nothing to replay"), twice.out());
        assertEquals(xminsAfterReplay, db.rows("SELECT xmin::text FROM " + WIDE + " ORDER BY ship_id, created_time"), "replaying twice rewrote nothing");
        assertTrue(report.out().contains("dead letters: 0 open, " + 2 * letters + " in all; replayed: " + letters + " done, " + letters + " failed"),
                report.out());
    }

    @Test
    void importedWindowsQueueTheChunksTheyOverlapAndPlanWhatNoChunkCovers(@TempDir Path dir) throws IOException {
        TestDb db = new TestDb();
        Fleet.create(db, SOURCE, List.of(1, 2), CHANNELS, 3);
        assertEquals(0, Cli.run(db.runArgs("--migrator.to=2024-03-01T01:00:00Z")).exitCode());
        db.execute("DELETE FROM " + WIDE + " WHERE ship_id = 1 AND created_time >= '2024-03-01T00:10:00Z' AND created_time < '2024-03-01T00:20:00Z'");
        long chunksBefore = db.count("SELECT count(*) FROM migrator.chunk");
        Path csv = Files.writeString(dir.resolve("post_proc.csv"), """
                ship_id,start,end
                1,2024-03-01 00:05:00,2024-03-01T00:25:00+00:00

                "1",2024-03-01T02:00:00Z,2024-03-01T02:20:00Z
                """);

        Cli replay = Cli.run(db.commandArgs("replay", "--csv=" + csv, "--migrator.chunk-size=PT30M"));
        List<List<Object>> ship1Windows = db.rows("SELECT window_start::text, window_end::text, status FROM migrator.chunk"
                + " WHERE ship_id = '1' ORDER BY window_start");
        long ship1RowsAfterReplay = db.count("SELECT count(*) FROM " + WIDE + " WHERE ship_id = 1");
        Cli run = Cli.run(db.runArgs());
        System.out.print(replay.out());

        assertEquals(0, replay.exitCode(), replay.toString());
        assertEquals(chunksBefore, db.count("SELECT count(*) FROM migrator.chunk WHERE replay_batch IS NOT NULL"),
                "ship 1: the done chunk the first window overlaps, and one new chunk for the uncovered second window");
        assertEquals(List.of(List.of("2024-03-01 00:00:00+00", "2024-03-01 01:00:00+00", "DONE"),
                List.of("2024-03-01 02:00:00+00", "2024-03-01 02:20:00+00", "DONE")), ship1Windows);
        assertEquals(db.count("SELECT count(DISTINCT created_time) FROM " + SOURCE + " WHERE ship_id = 1 AND (created_time < '2024-03-01T01:00:00Z'"
                + " OR created_time >= '2024-03-01T02:00:00Z' AND created_time < '2024-03-01T02:20:00Z')"), ship1RowsAfterReplay);
        assertTrue(replay.out().contains("2 imported windows queued (lines 2-4 of the file)"), replay.out());
        assertEquals(0, run.exitCode(), run.toString());
        assertEquals(0, db.count("SELECT count(*) FROM migrator.chunk a JOIN migrator.chunk b ON a.ship_id = b.ship_id AND a.id < b.id"
                + " AND a.parent_id IS NULL AND b.parent_id IS NULL AND a.window_start < b.window_end AND b.window_start < a.window_end"),
                "no two planned windows overlap");
        SqlPivot.assertWideEqualsPivot(db, SOURCE, WIDE, SqlPivot.ids(CHANNELS), SqlPivot.prefixed(CHANNELS));
    }

    @Test
    void aMalformedLineOrAnUnknownShipQueuesNothingAndSaysWhereInOneLine(@TempDir Path dir) throws IOException {
        TestDb db = new TestDb();
        Fleet.create(db, SOURCE, List.of(1, 2), CHANNELS, 1);
        assertEquals(0, Cli.run(db.runArgs()).exitCode());
        String ledger = db.rows("SELECT id, status, updated_at::text, replay_batch FROM migrator.chunk ORDER BY id").toString();
        Path badTime = Files.writeString(dir.resolve("bad-time.csv"), "ship_id,start,end\n1,2024-03-01T00:00:00Z,2024-03-01T00:30:00Z\n2,yesterday,2024-03-01T00:30:00Z\n");
        Path badOrder = Files.writeString(dir.resolve("bad-order.csv"), "ship_id,start,end\n1,2024-03-01T00:30:00Z,2024-03-01T00:00:00Z\n");
        Path badHeader = Files.writeString(dir.resolve("bad-header.csv"), "ship,from,to\n1,2024-03-01T00:00:00Z,2024-03-01T00:30:00Z\n");
        Path unknownShip = Files.writeString(dir.resolve("unknown-ship.csv"), "ship_id,start,end\n1,2024-03-01T00:00:00Z,2024-03-01T00:30:00Z\n99,2024-03-01T00:00:00Z,2024-03-01T00:30:00Z\n");

        assertOneLineError(db, "--csv=" + badTime + " line 3: start 'yesterday' is not an ISO-8601 time", "--csv=" + badTime);
        assertOneLineError(db, "--csv=" + badOrder + " line 2: end '2024-03-01T00:00:00Z' is not after start '2024-03-01T00:30:00Z'", "--csv=" + badOrder);
        assertOneLineError(db, "--csv=" + badHeader + " line 1: the header must name the columns ship_id,start,end", "--csv=" + badHeader);
        assertOneLineError(db, "--csv=" + unknownShip + " line 3: ship '99' has no readings in " + SOURCE, "--csv=" + unknownShip);
        assertOneLineError(db, "--csv='" + dir.resolve("missing.csv") + "' is invalid", "--csv=" + dir.resolve("missing.csv"));
        assertOneLineError(db, "--ship='99' is invalid: expected a ship that has readings in " + SOURCE, "--ship=99");
        assertOneLineError(db, "--id='12345' is invalid: expected the id of a dead letter", "--id=12345");
        assertOneLineError(db, "--sql-state='timeout' is invalid", "--sql-state=timeout");
        assertOneLineError(db, "option '--shp' is not known to the command 'replay'", "--shp=1");
        assertEquals(ledger, db.rows("SELECT id, status, updated_at::text, replay_batch FROM migrator.chunk ORDER BY id").toString(),
                "nothing was queued");
    }

    private static void assertOneLineError(TestDb db, String expected, String... options) {
        Cli replay = Cli.run(db.commandArgs("replay", options));
        assertEquals(2, replay.exitCode(), replay.toString());
        assertEquals(1, replay.err().strip().lines().count(), replay.err());
        assertTrue(replay.err().startsWith("error: " + expected), replay.err());
    }
}
