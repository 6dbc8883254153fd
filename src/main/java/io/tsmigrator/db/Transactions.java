package io.tsmigrator.db;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;

/** Runs work in one transaction on a pooled connection, whatever the pool's autocommit default. */
public final class Transactions {

    private Transactions() {
    }

    @FunctionalInterface
    public interface Work {
        void run(Connection connection) throws SQLException;
    }

    /** Ends a transaction on a connection that may already be broken, without hiding the caller's first error. */
    public static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // a broken connection rolls back on its own; the caller reports the original failure
        }
    }

    /** Ends a read on a connection from a pool with autocommit off (a no-op where it is on). */
    public static void endRead(Connection c) throws SQLException {
        if (!c.getAutoCommit()) {
            c.rollback();
        }
    }

    public static void inTransaction(DataSource dataSource, Work work) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                work.run(c);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        }
    }
}
