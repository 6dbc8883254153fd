package io.tsmigrator.db;

import com.zaxxer.hikari.HikariDataSource;
import io.tsmigrator.config.Settings;
import io.tsmigrator.support.TestDb;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every pool has the size the connection budget counts on, and serves that many borrowers at once.
 */
class PoolSizesTest {

    @Test
    void everyPoolServesAsManyBorrowersAtOnceAsTheBudgetCountsOn() throws SQLException {
        TestDb db = new TestDb();
        Settings settings = db.settings(Map.of(Settings.PARALLELISM, "3"));
        try (Pools pools = new Pools(settings)) {
            assertSizes(pools.read(), 3, 3);
            assertSizes(pools.write(), 3, 3);
            assertSizes(pools.control(), Pools.controlPoolSize(3), Pools.controlPoolSize(3));
            assertEquals(3 * 2 + Pools.controlPoolSize(3), Pools.connectionsNeeded(3), "the budget");

            // every connection the budget counts on can be held at once
            assertEquals(Pools.controlPoolSize(3), holdAtOnce(pools.control(), Pools.controlPoolSize(3)));
        }
    }

    private static void assertSizes(HikariDataSource pool, int minimumIdle, int maximum) {
        assertEquals(minimumIdle, pool.getMinimumIdle(), pool.getPoolName() + " connections kept open");
        assertEquals(maximum, pool.getMaximumPoolSize(), pool.getPoolName() + " size");
    }

    /** Borrows {@code n} connections without giving any back; returns how many the pool counts in use then. */
    private static int holdAtOnce(HikariDataSource pool, int n) throws SQLException {
        List<Connection> held = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                held.add(pool.getConnection());
            }
            return pool.getHikariPoolMXBean().getActiveConnections();
        } finally {
            for (Connection c : held) {
                c.close();
            }
        }
    }
}
