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
 *
 * @param what "source", "target" or "source and target"
 * @param needed connections the run will open to this server
 * @param max the server's max_connections
 * @param inUse client connections open now, not counting the one that measured
 * @param reserved connections reserved for superusers, 0 when the role is one
 * @param migrators of those in use, the sessions of other migrator processes (their application name),
 *                  which several processes on one ledger (on several hosts) share the server with
 */
public record ConnectionBudget(String what, int needed, int parallelism, int max, int inUse, int reserved, int migrators) {

    private static final String FREE_SQL = "SELECT current_setting('max_connections')::int,"
            + " current_setting('superuser_reserved_connections')::int,"
            + " (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend')::int,"
            + " (SELECT rolsuper FROM pg_roles WHERE rolname = current_user),"
            + " (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()"
            + "    AND application_name = '" + Pools.APPLICATION_NAME + "')::int";

    /** Measures the server's free connections; the connection counts itself as in use. */
    public static ConnectionBudget measure(Connection connection, int needed, String what, int parallelism) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(FREE_SQL)) {
            rs.next();
            return new ConnectionBudget(what, needed, parallelism, rs.getInt(1), rs.getInt(3) - 1, rs.getBoolean(4) ? 0 : rs.getInt(2),
                    rs.getInt(5));
        }
    }

    /** Throws when the server has fewer free connections than the run needs. */
    public static ConnectionBudget check(Connection connection, int needed, String what, int parallelism) throws SQLException {
        ConnectionBudget budget = measure(connection, needed, what, parallelism);
        if (!budget.suffices()) {
            throw new InvalidSettingException(budget.refusal());
        }
        return budget;
    }

    public int free() {
        return Math.max(max - reserved - inUse, 0);
    }

    public boolean suffices() {
        return needed <= max - reserved - inUse;
    }

    public String refusal() {
        return Settings.PARALLELISM + "=" + parallelism + " needs " + needed + " connections to the " + what
                + " database but its server has " + free() + " free (max_connections=" + max + ", " + inUse + " in use"
                + (migrators > 0 ? " of which " + migrators + " by other migrator processes" : "") + ", "
                + reserved + " reserved); lower " + Settings.PARALLELISM + (migrators > 0 ? ", run fewer processes" : "")
                + " or raise max_connections";
    }

    /** How many more processes like this one the server has room for after this one starts. */
    public int moreProcessesFitting() {
        return needed <= 0 ? 0 : Math.max(free() - needed, 0) / needed;
    }

    /** For the log at start when other migrator processes share the server; null when there are none. */
    public String sharing() {
        if (migrators == 0) {
            return null;
        }
        return "the " + what + " server holds " + migrators + " sessions of other migrator processes; this one opens " + needed
                + " and leaves room for " + moreProcessesFitting() + " more like it (max_connections=" + max + ", " + free() + " free)";
    }
}
