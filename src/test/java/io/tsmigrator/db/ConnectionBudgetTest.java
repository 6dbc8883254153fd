package io.tsmigrator.db;

import io.tsmigrator.config.InvalidSettingException;
import io.tsmigrator.support.TestDb;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The connection budget at start counts the sessions of other migrator processes on the server
 * (several processes on one ledger share its max_connections) and says so when they use it up.
 */
class ConnectionBudgetTest {

    @Test
    void otherMigratorProcessesSessionsAreCountedAndNamedWhenTheyExhaustTheServer() throws SQLException {
        TestDb db = new TestDb();
        List<Connection> others = new ArrayList<>();
        try (Connection measuring = connect(db, Pools.APPLICATION_NAME)) {
            assertNull(ConnectionBudget.measure(measuring, 5, "target", 1).sharing(), "alone on the server");
            for (int i = 0; i < 3; i++) {
                others.add(connect(db, Pools.APPLICATION_NAME));
            }
            others.add(connect(db, "someone-else"));

            ConnectionBudget budget = ConnectionBudget.measure(measuring, 5, "target", 1);
            assertEquals(3, budget.migrators(), "sessions of other migrator processes");
            assertTrue(budget.sharing().contains("3 sessions of other migrator processes"), budget.sharing());
            assertEquals((budget.free() - 5) / 5, budget.moreProcessesFitting());

            int tooMany = budget.free() + 1;
            InvalidSettingException refused = assertThrows(InvalidSettingException.class,
                    () -> ConnectionBudget.check(measuring, tooMany, "target", tooMany));
            assertTrue(refused.getMessage().contains("of which 3 by other migrator processes"), refused.getMessage());
            assertTrue(refused.getMessage().contains("run fewer processes"), refused.getMessage());
        } finally {
            for (Connection c : others) {
                c.close();
            }
        }
    }

    private static Connection connect(TestDb db, String applicationName) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", TestDb.USER);
        props.setProperty("ApplicationName", applicationName);
        Connection c = java.sql.DriverManager.getConnection(db.url(), props);
        try (Statement s = c.createStatement()) {
            s.execute("SELECT 1");
        }
        return c;
    }
}
