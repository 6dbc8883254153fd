package io.tsmigrator.db;

import io.tsmigrator.config.InvalidSettingException;
import io.tsmigrator.config.Settings;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Refuses to start a run whose pools the server cannot serve. A pool that cannot get its
 * connections makes chunks wait until HikariCP gives up ({@code Connection is not available,
 * request timed out after 30003ms}); it is better said once, at start, with what to change.
 */
public final class ConnectionBudget {

    private static final String FREE_SQL = "SELECT current_setting('max_connections')::int,"
            + " current_setting('superuser_reserved_connections')::int,"
            + " (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend')::int,"
            + " (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)";

    private ConnectionBudget() {
    }

    /**
     * @param connection a connection to the server (it counts itself as in use)
     * @param needed connections the run will open to this server
     * @param what "source", "target" or "source and target"
     */
    public static void check(Connection connection, int needed, String what, int parallelism) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(FREE_SQL)) {
            rs.next();
            int max = rs.getInt(1);
            int reserved = rs.getBoolean(4) ? 0 : rs.getInt(2);
            int inUse = rs.getInt(3) - 1;
            int free = max - reserved - inUse;
            if (needed > free) {
                throw new InvalidSettingException(Settings.PARALLELISM + "=" + parallelism + " needs " + needed + " connections to the "
                        + what + " database but its server has " + Math.max(free, 0) + " free (max_connections=" + max + ", "
                        + inUse + " in use, " + reserved + " reserved); lower " + Settings.PARALLELISM + " or raise max_connections");
            }
        }
    }
}
