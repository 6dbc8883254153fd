package io.tsmigrator.db;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;

/**
 * A pool's data source whose first connection is one the run opened before the pool: the one its
 * connection budget was measured on. Every backend is a process the server starts, which costs it
 * ~20 ms of CPU on the build machine; keeping that one saves a run a backend, and its bookkeeping
 * starts on a connection that is already there. HikariCP sets it up like any new connection
 * (session settings, autocommit), so it is indistinguishable from the others.
 */
final class FirstConnectionGiven implements DataSource {

    private final DataSource opener;
    private final AtomicReference<Connection> first;

    FirstConnectionGiven(DataSource opener, Connection first) {
        this.opener = opener;
        this.first = new AtomicReference<>(first);
    }

    @Override
    public Connection getConnection() throws SQLException {
        Connection given = first.getAndSet(null);
        return given != null ? given : opener.getConnection();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        Connection given = first.getAndSet(null);
        return given != null ? given : opener.getConnection(username, password);
    }

    /** Closes the given connection if the pool never took it. */
    void discard() {
        Connection given = first.getAndSet(null);
        if (given != null) {
            try {
                given.close();
            } catch (SQLException e) {
                // nothing was done on it; the server ends the session when the socket goes
            }
        }
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return opener.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        opener.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        opener.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return opener.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return opener.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        return opener.unwrap(type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
        return opener.isWrapperFor(type);
    }
}
