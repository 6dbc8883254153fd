package io.tsmigrator.run;

import io.tsmigrator.db.Pools;
import io.tsmigrator.support.Await;
import io.tsmigrator.support.Cli;
import io.tsmigrator.support.Fleet;
import io.tsmigrator.support.TestDb;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every backend is a process the server starts, and on a virtual machine that costs it more CPU
 * than a short chunk's bookkeeping: a run opens the chunk pools' connections, the bookkeeping pool's
 * one (the connection its budget was measured on) and the aggregation pool's one, and no more.
 */
class RunBackendsTest {

    private static final String SOURCE = "tenant.tbl_data_timeseries";

    @Test
    void aRunOpensTheChunkPoolsAndOneConnectionForEachBookkeepingPool() throws SQLException {
        TestDb db = new TestDb();
        // several chunks per lane, and the channels found by discovery (the target's columns are read too)
        Fleet.create(db, SOURCE, List.of(1, 2, 3), List.of(4, 5, 6), 3);
        try (Connection watcher = db.dataSource().getConnection(); Statement s = watcher.createStatement()) {
            // this session's own start is counted at its next flush: force it now, before the count
            s.execute("SELECT pg_stat_force_next_flush()");
            long before = sessions(s);

            // a lease long enough that its renewal never fires in this run (it would share the bookkeeping pool)
            Cli run = Cli.run(db.runArgs("--migrator.parallelism=2", "--migrator.chunk-size=PT30M", "--migrator.lease=PT10M",
                    "--migrator.plan-interval=PT1S"));
            assertEquals(0, run.exitCode(), run.toString());
            // a backend reports its session to the statistics before it leaves pg_stat_activity
            Await.until("the run's backends to end", Duration.ofSeconds(30), () -> migratorBackends(s) == 0);

            long opened = sessions(s) - before;
            int expected = 2 * 2 + 1 + Pools.AGGREGATION_POOL_SIZE;
            assertTrue(opened > 0, "the statistics saw the run's sessions");
            assertEquals(expected, opened, "backends a run of parallelism 2 opened (read 2, write 2, control 1, aggregation 1)");
        }
    }

    private static long sessions(Statement s) throws SQLException {
        s.execute("SELECT pg_stat_clear_snapshot()");
        try (ResultSet rs = s.executeQuery("SELECT sessions FROM pg_stat_database WHERE datname = current_database()")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long migratorBackends(Statement s) {
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = '"
                + Pools.APPLICATION_NAME + "'")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
