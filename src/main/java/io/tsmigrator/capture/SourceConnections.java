package io.tsmigrator.capture;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;

/** Writable source connections, whatever the pool they come from (the run's source pool is read-only). */
final class SourceConnections {

    private SourceConnections() {
    }

    /** Read-write, autocommit on; HikariCP restores the pool's own settings when it is closed. */
    static Connection writable(DataSource dataSource) throws SQLException {
        Connection c = dataSource.getConnection();
        try {
            c.setAutoCommit(true);
            c.setReadOnly(false);
            return c;
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }
}
