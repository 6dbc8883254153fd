package io.tsmigrator.db;

import io.tsmigrator.config.Settings;
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
        // the DBA's limits: none for statements, 90 s for idle transactions (below the migrator's 2 min)
        db.execute("ALTER DATABASE \"" + database + "\" SET idle_in_transaction_session_timeout = '90s'");

        try (Pools pools = new Pools(settings(db, "PT10M", "PT2M"))) {
            assertEquals(new Limits("10min", "90s", "UTC"), limits(pools.read()));
            assertEquals(new Limits("10min", "90s", "UTC"), limits(pools.control()));
        }
        // with the migrator's limit lower than the DBA's, and one switched off: 0 leaves the server's in force
        try (Pools pools = new Pools(settings(db, "PT0.5S", "PT0S"))) {
            assertEquals(new Limits("500ms", "90s", "UTC"), limits(pools.write()));
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
        try (Pools pools = new Pools(settings(db, "PT10M", "PT2M"))) {
            String pid;
            try (Connection c = pools.write().getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
                rs.next();
                pid = rs.getString(1);
                c.rollback();
            }
            assertEquals(java.util.List.of(java.util.List.of("idle", "")),
                    db.rows("SELECT state, coalesce(backend_xid::text, '') FROM pg_stat_activity WHERE pid = " + pid));
            assertEquals(new Limits("10min", "2min", "UTC"), limits(pools.write()));
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

    private static Settings settings(TestDb db, String statementTimeout, String idleTimeout) {
        return db.settings(Map.of(Settings.STATEMENT_TIMEOUT, statementTimeout, Settings.IDLE_IN_TX_TIMEOUT, idleTimeout));
    }
}
