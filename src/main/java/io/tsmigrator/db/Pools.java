package io.tsmigrator.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.tsmigrator.config.Settings;

import java.time.Duration;
import java.util.List;

/**
 * The three connection pools of a run, all sized from {@code migrator.parallelism} so that a chunk
 * consumer never waits for a connection (the {@code request timed out after 30003ms} failure):
 * <ul>
 * <li><b>read</b>: source, read-only; chunks are read with binary COPY;</li>
 * <li><b>write</b>: target, autocommit off, one transaction per chunk (wide rows and ledger together);</li>
 * <li><b>control</b>: target, autocommit on, for the ledger, leases, dead letters and completions, so
 * that bookkeeping never queues behind a long write.</li>
 * </ul>
 * Every pool has a fixed size (HikariCP's advice): it opens its connections at start, so a chunk
 * never waits for one to be set up. Every connection is hardened the same way: TCP keepalive, connect and read timeouts, an
 * application name, and per-session timeouts set by the migrator on its own sessions only.
 */
public final class Pools implements AutoCloseable {

    public static final String APPLICATION_NAME = "timeseries-migrator";
    /** Lets the driver send application_name and extra_float_digits in the startup packet, not in a SET after connecting. */
    public static final String ASSUME_MIN_SERVER_VERSION = "10";

    private final HikariDataSource read;
    private final HikariDataSource write;
    private final HikariDataSource control;

    public Pools(Settings settings) {
        int parallelism = settings.parallelism();
        this.read = new HikariDataSource(config("migrator-read", settings.sourceUrl(), settings.sourceUsername(), settings.sourcePassword(),
                parallelism, true, true, sessionSettings(), settings));
        // A chunk's wide rows and its DONE commit together, so a commit that a server crash loses
        // loses both: the ledger still shows the chunk to do, and it is migrated again. Its commit
        // need not wait for the WAL to reach the disk (or a synchronous standby); the ledger's own
        // bookkeeping on the control pool still does, and each such commit makes every earlier one
        // durable with it, so nothing acted on elsewhere (a change mark cleared in the source, a
        // completion, the run's summary) rests on a commit that could still be lost.
        this.write = new HikariDataSource(config("migrator-write", settings.targetUrl(), settings.targetUsername(),
                settings.targetPassword(), parallelism, false, false, sessionSettings() + "SET synchronous_commit = off; ", settings));
        this.control = new HikariDataSource(config("migrator-control", settings.targetUrl(), settings.targetUsername(),
                settings.targetPassword(), controlPoolSize(parallelism), true, false, sessionSettings(), settings));
    }

    /**
     * Each consumer may touch the ledger while the planner, the lease keeper and the aggregator do
     * too, and Quartz's clustered planning timer (its scheduler and cluster check-in threads).
     */
    public static int controlPoolSize(int parallelism) {
        return parallelism + 4;
    }

    /** Connections this process opens at most, against the target (write + control) and the source (read). */
    public static int connectionsNeeded(int parallelism) {
        return parallelism * 2 + controlPoolSize(parallelism);
    }

    public HikariDataSource read() {
        return read;
    }

    public HikariDataSource write() {
        return write;
    }

    public HikariDataSource control() {
        return control;
    }

    private static HikariConfig config(String name, String url, String user, String password, int size,
                                       boolean autoCommit, boolean readOnly, String sessionSql, Settings settings) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setJdbcUrl(url);
        if (!user.isEmpty()) {
            config.setUsername(user);
        }
        if (!password.isEmpty()) {
            config.setPassword(password);
        }
        config.setMaximumPoolSize(size);
        // Fixed size, as HikariCP advises: the pool opens its connections in the background at
        // start, so no chunk waits for a connection to be set up on its hot path.
        config.setMinimumIdle(size);
        config.setAutoCommit(autoCommit);
        config.setReadOnly(readOnly);
        config.setMaxLifetime(settings.poolMaxLifetime().toMillis());
        config.setKeepaliveTime(Settings.POOL_KEEPALIVE.toMillis());
        config.setConnectionTimeout(Settings.POOL_CONNECTION_TIMEOUT.toMillis());
        config.setInitializationFailTimeout(-1);
        config.setConnectionInitSql(sessionSql);
        // commit the session settings at set-up: on a connection with autocommit off they would
        // otherwise open a transaction that lasts until its first use (now() is then the time the
        // pool opened it) and that use's rollback would undo them (time zone and timeouts)
        config.setIsolateInternalQueries(true);
        config.addDataSourceProperty("ApplicationName", APPLICATION_NAME);
        config.addDataSourceProperty("tcpKeepAlive", "true");
        // one round trip less per connection (the migrator needs PostgreSQL 13 or later; 10 is what the driver needs to know)
        config.addDataSourceProperty("assumeMinServerVersion", ASSUME_MIN_SERVER_VERSION);
        config.addDataSourceProperty("connectTimeout", String.valueOf(seconds(settings.connectTimeout())));
        config.addDataSourceProperty("socketTimeout", String.valueOf(seconds(settings.socketTimeout())));
        // Ship ids are carried as text and bound untyped so the server casts them to the ship column's type.
        config.addDataSourceProperty("stringtype", "unspecified");
        return config;
    }

    /**
     * Per-session limits on the migrator's own sessions (never {@code ALTER DATABASE}). A limit the
     * DBA set lower on the server, database or role is kept: the migrator only ever tightens it, so
     * it obeys the infrastructure and learns of it through a statement timeout (and splits). UTC so
     * that window bounds mean the same for {@code timestamp} and {@code timestamptz} time columns.
     */
    static String sessionSettings() {
        return "SET TIME ZONE 'UTC'; "
                + tighten("statement_timeout", Settings.STATEMENT_TIMEOUT.toMillis())
                + tighten("idle_in_transaction_session_timeout", Settings.IDLE_IN_TRANSACTION_TIMEOUT.toMillis());
    }

    /**
     * {@code current_setting} shows the value with its unit ({@code 5s}, {@code 90min}, {@code 0}), which
     * interval input reads; the {@code pg_settings} view would build every setting of the server for it,
     * half of a new session's first query (every connection of every pool runs this).
     */
    private static String tighten(String setting, long millis) {
        if (millis <= 0) {
            return "";
        }
        return "SELECT set_config('" + setting + "', CASE WHEN ms = 0 OR ms > " + millis + " THEN '" + millis + "' ELSE ms::text END, false)"
                + " FROM (SELECT (extract(epoch FROM current_setting('" + setting + "')::interval) * 1000)::bigint AS ms) now; ";
    }

    private static long seconds(Duration d) {
        return d.isZero() ? 0 : Math.max(1, (d.toMillis() + 999) / 1000);
    }

    /**
     * Takes a connection out of its pool for good. A failed chunk attempt does this with every
     * connection it used: work done on the raw driver connection (binary COPY) bypasses HikariCP's
     * broken-connection detection, and a connection a firewall silenced looks healthy to the pool.
     */
    public static void evict(javax.sql.DataSource dataSource, java.sql.Connection connection) {
        if (dataSource instanceof HikariDataSource hikari) {
            hikari.evictConnection(connection);
        }
    }

    /** Closes the pools chunks write through; afterwards no chunk of this process can commit. */
    public void closeChunkPools() {
        closeSideBySide(List.of(read, write));
    }

    @Override
    public void close() {
        closeSideBySide(List.of(read, write, control));
    }

    /**
     * HikariCP closes a pool's connections on a thread of its own and waits for it, then for its
     * other threads to end; pools closed side by side overlap those waits (at the end of every run).
     * A pool closed already is left as it is.
     */
    private static void closeSideBySide(List<HikariDataSource> pools) {
        List<BackgroundWork<Void>> closing = pools.stream().skip(1).filter(p -> !p.isClosed())
                .map(p -> BackgroundWork.<Void>start("closing " + p.getPoolName(), () -> {
                    p.close();
                    return null;
                })).toList();
        pools.get(0).close();
        closing.forEach(BackgroundWork::awaitQuietly);
    }
}
