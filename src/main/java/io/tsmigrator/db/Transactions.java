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

    /**
     * A pooled connection for statements that only read and need no snapshot in common: with
     * autocommit on, no transaction is left to end, a round trip less per read than a transaction
     * would cost on a pool with autocommit off. Switching happens before any statement, so it costs
     * no round trip either, and HikariCP restores the pool's own setting when it is closed.
     */
    public static Connection forReads(DataSource dataSource) throws SQLException {
        Connection c = dataSource.getConnection();
        try {
            c.setAutoCommit(true);
            return c;
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /**
     * Bounds the migrator's own DDL in the transaction on {@code c} by a limit of its own. A low
     * statement_timeout on the role is meant for chunks, which split under it; the start's DDL (a
     * dozen tables, triggers, more on a busy server) cannot, and would fail the run.
     */
    public static void boundDdl(Connection c) throws SQLException {
        try (java.sql.Statement s = c.createStatement()) {
            s.execute("SET LOCAL statement_timeout = '1min'");
        }
    }

    /**
     * Creates a schema unless it exists. {@code CREATE SCHEMA IF NOT EXISTS} alone asks for CREATE on
     * the database even when the schema is there, which a role given CREATE on a schema its DBA made
     * does not have.
     */
    public static void createSchemaIfAbsent(Connection c, String quotedSchema) throws SQLException {
        boolean absent;
        try (java.sql.PreparedStatement ps = c.prepareStatement("SELECT to_regnamespace(?) IS NULL")) {
            ps.setString(1, quotedSchema);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                rs.next();
                absent = rs.getBoolean(1);
            }
        }
        if (absent) {
            try (java.sql.Statement s = c.createStatement()) {
                s.execute("CREATE SCHEMA IF NOT EXISTS " + quotedSchema);
            }
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
