package io.tsmigrator;

import io.tsmigrator.support.Await;
import io.tsmigrator.support.ChildJvm;
import io.tsmigrator.support.SqlPivot;
import io.tsmigrator.support.TestDb;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code run --follow} against a source that keeps changing while it runs: readings on time, late
 * readings into windows already migrated, corrections, withdrawn timestamps, a new ship, a new
 * channel; with the
 * migrator's backends terminated for a while. Once the writer stops and the windows have settled,
 * the wide table must equal the SQL pivot exactly, and SIGTERM ends the process with exit 0.
 */
class FollowModeTest {

    private static final String SOURCE = "tenant.tbl_data_timeseries";
    private static final String WIDE = "tenant.tbl_data_timeseries_wide";
    private static final List<Integer> CHANNELS = List.of(1, 2, 3);
    private static final List<Integer> WITH_THE_NEW_ONE = List.of(1, 2, 3, 4);
    private static final String PASSWORD = "f0llow-Pa55-never-shown";

    /** Roles are the server's, shared by every test database: one of this database's name. */
    private static String role(TestDb db) {
        return "follower_" + db.url().substring(db.url().lastIndexOf('/') + 1);
    }

    @Test
    void keepsTheWideTableEqualToThePivotWhileTheSourceChanges() throws Exception {
        TestDb db = new TestDb();
        db.execute("CREATE SCHEMA tenant",
                "CREATE TABLE " + SOURCE + " (ship_id integer NOT NULL, data_channel_id integer NOT NULL, created_time timestamptz NOT NULL, value double precision)",
                "CREATE INDEX ON " + SOURCE + " (ship_id, created_time)",
                "CREATE ROLE " + role(db) + " LOGIN SUPERUSER PASSWORD '" + PASSWORD + "'",
                // ten minutes of history up to a minute ago, every 5 s, for ships 1 and 2
                "INSERT INTO " + SOURCE + " SELECT s, ch, date_trunc('second', now()) - interval '1 minute' - g * interval '5 seconds', s * 1000 + ch + g"
                        + " FROM generate_series(1, 2) s, generate_series(1, 3) ch, generate_series(0, 119) g");
        List<String> args = new ArrayList<>(db.runArgs("--migrator.chunk-size=PT10S", "--migrator.follow.settle=PT1S"));
        args.set(2, "--migrator.source.username=" + role(db));
        args.add("--migrator.source.password=" + PASSWORD);
        args.add("--follow");
        ChildJvm follow = ChildJvm.start(args);
        try {
            awaitPivot(db, follow, "the history", CHANNELS);

            // on time: a new reading of ship 1 now; a new ship; late readings into migrated windows
            // (a new sub-second timestamp, a channel at an existing timestamp); a correction; a withdrawn timestamp
            db.execute("INSERT INTO " + SOURCE + " VALUES (1, 1, now(), 1.5), (3, 2, now() - interval '3 minutes', 3.25)",
                    "INSERT INTO " + SOURCE + " VALUES (2, 1, date_trunc('second', now()) - interval '7 minutes' + interval '0.123456 second', 7.125)",
                    "DELETE FROM " + SOURCE + " WHERE ship_id = 2 AND data_channel_id = 3 AND created_time = (SELECT min(created_time) FROM " + SOURCE + " WHERE ship_id = 2)",
                    "INSERT INTO " + SOURCE + " SELECT 2, 3, min(created_time), 99.0 FROM " + SOURCE + " WHERE ship_id = 2 AND created_time < now() - interval '9 minutes'",
                    "UPDATE " + SOURCE + " SET value = -1 WHERE ship_id = 1 AND data_channel_id = 2 AND created_time = (SELECT max(created_time) FROM " + SOURCE
                            + " WHERE ship_id = 1 AND created_time < now() - interval '5 minutes')",
                    "DELETE FROM " + SOURCE + " WHERE ship_id = 1 AND created_time = (SELECT min(created_time) FROM " + SOURCE + " WHERE ship_id = 1)");
            // the migrator's connections are cut while the changes are taken up
            db.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'timeseries-migrator' AND pid <> pg_backend_pid()");
            db.execute("INSERT INTO " + SOURCE + " VALUES (1, 3, now() - interval '6 minutes' + interval '0.5 second', 0.25)",
                    // a sensor fitted to ship 2: a channel the wide table has no column for, in old and new windows
                    "INSERT INTO " + SOURCE + " VALUES (2, 4, now() - interval '4 minutes', 4.5), (2, 4, now(), 4.75)");

            awaitPivot(db, follow, "the changes", WITH_THE_NEW_ONE);
            assertTrue(follow.process().isAlive(), "a follow run goes on when it has caught up\n" + follow.output());
        } finally {
            follow.process().destroy(); // SIGTERM
        }
        int exit = follow.await(60);
        assertEquals(0, exit, follow.output());
        assertTrue(follow.output().contains("following"), "the lag is logged\n" + follow.output());
        assertFalse(follow.output().contains(PASSWORD), follow.output());
    }

    private static void awaitPivot(TestDb db, ChildJvm follow, String what, List<Integer> channels) {
        Await.until("the wide table to equal the pivot after " + what, Duration.ofSeconds(90), () -> {
            assertTrue(follow.process().isAlive(), follow.output());
            try {
                SqlPivot.assertWideEqualsPivot(db, SOURCE, WIDE, SqlPivot.ids(channels), SqlPivot.prefixed(channels));
                return true;
            } catch (AssertionError | RuntimeException notYet) {
                return false;
            }
        });
    }
}
