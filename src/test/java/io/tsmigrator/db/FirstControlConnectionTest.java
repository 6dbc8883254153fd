package io.tsmigrator.db;

import io.tsmigrator.config.Settings;
import io.tsmigrator.support.TestDb;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The connection a run measures its connection budget on becomes the control pool's first one:
 * the same backend, set up like every other connection of the pool.
 */
class FirstControlConnectionTest {

    @Test
    void theBudgetsConnectionServesTheControlPoolWithThePoolsSessionSettings() throws SQLException {
        TestDb db = new TestDb();
        Settings settings = db.settings(Map.of(Settings.STATEMENT_TIMEOUT, "PT7M"));
        Connection given = Pools.openControlConnection(settings);
        int givenPid = pid(given);
        try (Pools pools = new Pools(settings, given)) {
            // all the pool's connections at once: the given one is among them (which one a single borrow gets is the pool's choice)
            List<Connection> held = new ArrayList<>();
            try {
                for (int i = 0; i < Pools.controlPoolSize(settings.parallelism()); i++) {
                    held.add(pools.control().getConnection());
                }
                Connection c = null;
                for (Connection h : held) {
                    if (pid(h) == givenPid) {
                        c = h;
                    }
                }
                assertNotNull(c, "the given connection serves the control pool");
                assertEquals("UTC", text(c, "SHOW TimeZone"));
                assertEquals("7min", text(c, "SHOW statement_timeout"));
                assertEquals(Pools.APPLICATION_NAME, text(c, "SHOW application_name"));
                assertTrue(c.getAutoCommit(), "bookkeeping runs in autocommit");
            } finally {
                for (Connection h : held) {
                    h.close();
                }
            }
        }
        assertTrue(given.isClosed(), "closing the pools closes it");
    }

    private static int pid(Connection c) throws SQLException {
        return Integer.parseInt(text(c, "SELECT pg_backend_pid()"));
    }

    private static String text(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
