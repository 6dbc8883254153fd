package io.tsmigrator.run;

import io.tsmigrator.config.InvalidSettingException;
import io.tsmigrator.config.Secrets;
import io.tsmigrator.config.Settings;
import io.tsmigrator.db.ConnectionBudget;
import io.tsmigrator.db.Pools;
import io.tsmigrator.embedded.DemoFleet;
import io.tsmigrator.embedded.EmbeddedDatabase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The databases a command works against: the configured ones, or, when {@code migrator.source.url}
 * is empty, an embedded PostgreSQL filled with a demo fleet. Opening checks that both databases
 * answer, so a wrong URL or password is one clear line, not a stack trace.
 */
public final class Environment implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Environment.class);

    private final Settings settings;
    private final Pools pools;
    private final EmbeddedDatabase embedded;
    private final List<ConnectionBudget> budgets;

    private Environment(Settings settings, Pools pools, EmbeddedDatabase embedded, List<ConnectionBudget> budgets) {
        this.settings = settings;
        this.pools = pools;
        this.embedded = embedded;
        this.budgets = budgets;
    }

    /** Opens the databases; a server without connections to spare for the run is refused with one line. */
    public static Environment open(Settings settings) throws IOException, SQLException {
        return open(settings, true);
    }

    /**
     * Opens the databases for {@code doctor}: a short connection budget is measured but not refused,
     * so that it is reported with everything else instead of hiding the other findings.
     */
    public static Environment openForDiagnosis(Settings settings) throws IOException, SQLException {
        return open(settings, false);
    }

    private static Environment open(Settings settings, boolean enforceBudget) throws IOException, SQLException {
        EmbeddedDatabase embedded = null;
        if (!settings.hasSourceUrl()) {
            LOG.info("{} is empty: starting an embedded PostgreSQL with a demo fleet of {} ships x {} channels x {} h at 1 Hz",
                    Settings.SOURCE_URL, DemoFleet.SHIPS, DemoFleet.CHANNELS, DemoFleet.HOURS);
            embedded = EmbeddedDatabase.start();
            settings = settings.with(Map.of(Settings.SOURCE_URL, embedded.jdbcUrl(), Settings.SOURCE_USERNAME, EmbeddedDatabase.USER,
                    Settings.SOURCE_PASSWORD, ""));
        }
        Pools pools = null;
        List<ConnectionBudget> budgets = new ArrayList<>();
        try {
            int parallelism = settings.parallelism();
            boolean oneDatabase = sameDatabase(settings);
            if (!oneDatabase) {
                try (Connection source = connect(settings, Settings.SOURCE_URL, settings.sourceUrl(), settings.sourceUsername(), settings.sourcePassword())) {
                    budgets.add(budget(source, parallelism, "source", parallelism, enforceBudget));
                }
            } else if (!sameCredentials(settings)) {
                // the source's credentials are checked on their own, so a wrong password names its key
                connect(settings, Settings.SOURCE_URL, settings.sourceUrl(), settings.sourceUsername(), settings.sourcePassword()).close();
            }
            // with no target URL of its own, the target is the source's database
            String targetKey = settings.raw(Settings.TARGET_URL).isEmpty() ? Settings.SOURCE_URL : Settings.TARGET_URL;
            try (Connection target = connect(settings, targetKey, settings.targetUrl(), settings.targetUsername(), settings.targetPassword())) {
                int needed = oneDatabase ? Pools.connectionsNeeded(parallelism) : Pools.connectionsNeeded(parallelism) - parallelism;
                budgets.add(budget(target, needed, oneDatabase ? "source and target" : "target", parallelism, enforceBudget));
            }
            pools = new Pools(settings);
            if (embedded != null) {
                long rows = DemoFleet.create(pools.control(), DemoFleet.SHIPS, DemoFleet.HOURS);
                LOG.info("demo fleet ready: {} narrow rows in tenant.tbl_data_timeseries", rows);
            }
        } catch (RuntimeException | SQLException e) {
            if (pools != null) {
                pools.close();
            }
            if (embedded != null) {
                embedded.close();
            }
            throw e;
        }
        return new Environment(settings, pools, embedded, List.copyOf(budgets));
    }

    private static ConnectionBudget budget(Connection c, int needed, String what, int parallelism, boolean enforce) throws SQLException {
        ConnectionBudget budget = enforce ? ConnectionBudget.check(c, needed, what, parallelism)
                : ConnectionBudget.measure(c, needed, what, parallelism);
        if (enforce && budget.sharing() != null) {
            LOG.info("{}", budget.sharing());
        }
        return budget;
    }

    /** Whether the source is read as the same role as the target is written: one connection then checks both. */
    private static boolean sameCredentials(Settings settings) {
        return settings.sourceUsername().equals(settings.targetUsername()) && settings.sourcePassword().equals(settings.targetPassword());
    }

    private static boolean sameDatabase(Settings settings) {
        return settings.raw(Settings.TARGET_URL).isEmpty() || settings.targetUrl().equals(settings.sourceUrl());
    }

    private static InvalidSettingException cannotConnect(String key, String url, SQLException e) {
        return new InvalidSettingException(key + "='" + Secrets.redactUrl(url) + "': cannot connect: " + Secrets.scrub(rootMessage(e)));
    }

    /** One direct connection, so an unreachable server fails in the connect timeout, not the pool's. */
    private static Connection connect(Settings settings, String key, String url, String user, String password) {
        java.util.Properties props = new java.util.Properties();
        if (!user.isEmpty()) {
            props.setProperty("user", user);
        }
        if (!password.isEmpty()) {
            props.setProperty("password", password);
        }
        props.setProperty("connectTimeout", String.valueOf(Math.max(1, settings.connectTimeout().toSeconds())));
        props.setProperty("ApplicationName", Pools.APPLICATION_NAME);
        props.setProperty("assumeMinServerVersion", Pools.ASSUME_MIN_SERVER_VERSION);
        try {
            return java.sql.DriverManager.getConnection(url, props);
        } catch (SQLException e) {
            throw cannotConnect(key, url, e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + t.getMessage() + ")";
    }

    /** The settings in force, with the embedded server's URL when one was started. */
    public Settings settings() {
        return settings;
    }

    public Pools pools() {
        return pools;
    }

    /** Whether source and target are one database (then their pools share one server's connections). */
    public boolean sameDatabase() {
        return sameDatabase(settings);
    }

    /** The connection budgets measured at open: the source's, and the target's when it is another database. */
    public List<ConnectionBudget> budgets() {
        return budgets;
    }

    /**
     * A connection outside the pools, without the migrator's session settings: it starts as every
     * session of this role in the source database does (server configuration, ALTER DATABASE,
     * ALTER ROLE, options in the URL), so it shows the limits the migrator's sessions tighten.
     */
    public Connection plainSourceSession() {
        return connect(settings, Settings.SOURCE_URL, settings.sourceUrl(), settings.sourceUsername(), settings.sourcePassword());
    }

    /** Like {@link #plainSourceSession()}, for the target database. */
    public Connection plainTargetSession() {
        return connect(settings, Settings.TARGET_URL, settings.targetUrl(), settings.targetUsername(), settings.targetPassword());
    }

    @Override
    public void close() throws IOException {
        pools.close();
        if (embedded != null) {
            embedded.close();
        }
    }
}
