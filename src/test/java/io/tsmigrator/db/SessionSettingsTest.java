package io.tsmigrator.db;

import io.tsmigrator.support.TestDb;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The migrator's sessions tighten the server's timeouts to its settings and keep a lower limit the DBA set. */
class SessionSettingsTest {

    @Test
    void aSessionGetsTheMigratorsLimitsUnlessTheServerSetsALowerOne() throws SQLException {
        TestDb db = new TestDb();
        String database = db.scalar("SELECT current_database()").toString();
        // the DBA's limits: 20 min for statements (above the migrator's 15 min), 30 s for idle transactions (below its 1 min)
        db.execute("ALTER DATABASE \"" + database + "\" SET statement_timeout = '20min'",
                "ALTER DATABASE \"" + database + "\" SET idle_in_transaction_session_timeout = '30s'");

        try (Pools pools = new Pools(db.settings(Map.of()))) {
            assertEquals(new Limits("15min", "30s", "UTC"), limits(pools.read()));
            assertEquals(new Limits("15min", "30s", "UTC"), limits(pools.write()));
            assertEquals(new Limits("15min", "30s", "UTC"), limits(pools.control()));
        }
    }

    /**
     * A write connection (autocommit off) hands out no transaction its set-up began: otherwise now()
     * in its first chunk is the time the pool opened it, and a rollback of that first chunk would
     * undo the session's settings with it.
     */
    @Test
    void aWriteConnectionStartsWithoutATransactionAndKeepsItsSettingsThroughARollback() throws Exception {
        TestDb db = new TestDb();
        try (Pools pools = new Pools(db.settings(Map.of()))) {
            String pid;
            try (Connection c = pools.write().getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
                rs.next();
                pid = rs.getString(1);
                c.rollback();
            }
            assertEquals(java.util.List.of(java.util.List.of("idle", "")),
                    db.rows("SELECT state, coalesce(backend_xid::text, '') FROM pg_stat_activity WHERE pid = " + pid));
            assertEquals(new Limits("15min", "1min", "UTC"), limits(pools.write()));
            assertEquals("0", db.scalar("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'timeseries-migrator'"
                    + " AND state = 'idle in transaction'").toString(), "pooled connections idle in a transaction");
        }
    }

    private record Limits(String statement, String idleInTransaction, String timeZone) {
    }

    private static Limits limits(javax.sql.DataSource pool) throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_setting('statement_timeout'), current_setting('idle_in_transaction_session_timeout'),"
                     + " current_setting('TimeZone')")) {
            rs.next();
            Limits limits = new Limits(rs.getString(1), rs.getString(2), rs.getString(3));
            if (!c.getAutoCommit()) {
                c.rollback();
            }
            return limits;
        }
    }
}
