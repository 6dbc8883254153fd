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

    private Environment(Settings settings, Pools pools, EmbeddedDatabase embedded) {
        this.settings = settings;
        this.pools = pools;
        this.embedded = embedded;
    }

    public static Environment open(Settings settings) throws IOException, SQLException {
        EmbeddedDatabase embedded = null;
        if (!settings.hasSourceUrl()) {
            LOG.info("{} is empty: starting an embedded PostgreSQL with a demo fleet of {} ships x {} channels x {} h at 1 Hz",
                    Settings.SOURCE_URL, settings.demoShips(), DemoFleet.CHANNELS, settings.demoHours());
            embedded = EmbeddedDatabase.start();
            settings = settings.with(Map.of(Settings.SOURCE_URL, embedded.jdbcUrl(), Settings.SOURCE_USERNAME, EmbeddedDatabase.USER,
                    Settings.SOURCE_PASSWORD, ""));
        }
        Pools pools = null;
        try {
            int parallelism = settings.parallelism();
            boolean oneDatabase = settings.raw(Settings.TARGET_URL).isEmpty() || settings.targetUrl().equals(settings.sourceUrl());
            int targetNeeds = Pools.connectionsNeeded(parallelism) - parallelism;
            try (Connection source = connect(settings, Settings.SOURCE_URL, settings.sourceUrl(), settings.sourceUsername(), settings.sourcePassword())) {
                ConnectionBudget.check(source, oneDatabase ? Pools.connectionsNeeded(parallelism) : parallelism,
                        oneDatabase ? "source and target" : "source", parallelism);
            }
            if (!oneDatabase) {
                try (Connection target = connect(settings, Settings.TARGET_URL, settings.targetUrl(), settings.targetUsername(), settings.targetPassword())) {
                    ConnectionBudget.check(target, targetNeeds, "target", parallelism);
                }
            }
            pools = new Pools(settings);
            if (embedded != null) {
                long rows = DemoFleet.create(pools.control(), settings.demoShips(), settings.demoHours());
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
        return new Environment(settings, pools, embedded);
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
        try {
            return java.sql.DriverManager.getConnection(url, props);
        } catch (SQLException e) {
            throw new InvalidSettingException(key + "='" + Secrets.redactUrl(url) + "': cannot connect: " + Secrets.scrub(rootMessage(e)));
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

    @Override
    public void close() throws IOException {
        pools.close();
        if (embedded != null) {
            embedded.close();
        }
    }
}
