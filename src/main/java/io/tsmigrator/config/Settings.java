package io.tsmigrator.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The resolved settings of one process, validated on access. Key names are part of the product:
 * they are documented in {@code config/application.properties} and the README, and scripts rely on them.
 * Every accessor throws {@link InvalidSettingException} naming the key when a value is unusable.
 */
public final class Settings {

    public static final String SOURCE_URL = "migrator.source.url";
    public static final String SOURCE_USERNAME = "migrator.source.username";
    public static final String SOURCE_PASSWORD = "migrator.source.password";
    public static final String TARGET_URL = "migrator.target.url";
    public static final String TARGET_USERNAME = "migrator.target.username";
    public static final String TARGET_PASSWORD = "migrator.target.password";
    public static final String SOURCE_TABLE = "migrator.source.table";
    public static final String SHIP_COLUMN = "migrator.source.ship-column";
    public static final String CHANNEL_COLUMN = "migrator.source.channel-column";
    public static final String TIME_COLUMN = "migrator.source.time-column";
    public static final String VALUE_COLUMN = "migrator.source.value-column";
    public static final String TARGET_TABLE = "migrator.target.table";
    public static final String CHANNELS_MAPPING = "migrator.channels.mapping";
    public static final String CHANNELS_UNMAPPED = "migrator.channels.unmapped";
    public static final String SHIPS = "migrator.ships";
    public static final String FROM = "migrator.from";
    public static final String TO = "migrator.to";
    public static final String CHANNELS = "migrator.channels";
    public static final String CHUNK_SIZE = "migrator.chunk-size";
    public static final String PARALLELISM = "migrator.parallelism";
    public static final String CONTROL_SCHEMA = "migrator.control-schema";
    public static final String LEASE = "migrator.lease";
    public static final String FOLLOW_SETTLE = "migrator.follow.settle";
    public static final String RETRY_MAX_ATTEMPTS = "migrator.retry.max-attempts";
    public static final String SOCKET_TIMEOUT = "migrator.db.socket-timeout";
    public static final String POOL_MAX_LIFETIME = "migrator.pool.max-lifetime";
    public static final String FOLLOW_CAPTURE = "migrator.follow.capture";
    public static final String PROGRESS_INTERVAL = "migrator.progress-interval";
    public static final String HTTP_TOKEN = "migrator.http.token";
    public static final String MAX_REPLICA_LAG = "migrator.throttle.max-replica-lag";
    /** Camel's own keys for its embedded HTTP server; the migrator reads them to decide whether to serve. */
    public static final String SERVER_PORT = "camel.server.port";
    public static final String SERVER_HOST = "camel.server.host";

    /**
     * Built-in defaults, written once: in {@code config/application.properties}, whose copy in the
     * jar is read here. Its keys are the settings there are.
     */
    public static final Map<String, String> DEFAULTS = Defaults.load();

    /**
     * Former settings no user needed to change, with the value each now has: naming one is refused
     * with a line that says so (see {@link #rejectUnknownKeys()}).
     */
    static final Map<String, String> REMOVED = Map.ofEntries(
            Map.entry("migrator.min-chunk-size", "PT1M"),
            Map.entry("migrator.plan-interval", "PT1S"),
            Map.entry("migrator.retry.initial-delay", "PT1S, or 1/120 of migrator.lease when that is shorter"),
            Map.entry("migrator.retry.max-delay", "PT1M, or half of migrator.lease when that is shorter"),
            Map.entry("migrator.shutdown-timeout", "PT30S"),
            Map.entry("migrator.db.statement-timeout", "PT15M, or the server's when lower"),
            Map.entry("migrator.db.idle-in-transaction-timeout", "PT1M, or the server's when lower"),
            Map.entry("migrator.pool.keepalive-time", "PT2M"),
            Map.entry("migrator.pool.connection-timeout", "PT30S"),
            Map.entry("migrator.target.column-prefix", "ch_; name columns with migrator.channels.mapping"),
            Map.entry("migrator.routes", "the routes directory of the working directory, else the jar's"));

    /** How long opening a connection may take (pgjdbc's connectTimeout). */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** How much longer each redelivery waits than the one before. */
    public static final double RETRY_MULTIPLIER = 2.0;
    /** The longest wait between two attempts of a chunk (or half the lease, when that is shorter). */
    public static final Duration RETRY_MAX_DELAY = Duration.ofMinutes(1);
    /** The wait before a chunk's second attempt (or 1/120 of the lease, when that is shorter). */
    public static final Duration RETRY_INITIAL_DELAY = Duration.ofSeconds(1);
    /**
     * Smallest window a chunk that hits a time limit is split into; a chunk that cannot be halved
     * above it becomes a dead letter. A minute of a ship's readings that cannot be read and written
     * within the server's limits means the limit, not the chunk, needs changing.
     */
    public static final Duration MIN_CHUNK_SIZE = Duration.ofMinutes(1);
    /**
     * How often a planning pass runs and each process claims the chunks that became ready (halves
     * of a split chunk, expired leases): they wait at most this long.
     */
    public static final Duration PLAN_INTERVAL = Duration.ofSeconds(1);
    /** On SIGTERM, how long chunks in progress may take to finish before they are rolled back. */
    public static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);
    /**
     * statement_timeout of the migrator's own sessions (never ALTER DATABASE); a lower one set on the
     * server, database or role stays in force. A statement stuck on a lock does not hold its chunk for good.
     */
    public static final Duration STATEMENT_TIMEOUT = Duration.ofMinutes(15);
    /**
     * idle_in_transaction_session_timeout of the migrator's own sessions; a lower one set on the server
     * stays in force. The migrator's transactions are never idle for more than moments; a session whose
     * connection was dropped silently keeps its chunk's rows locked until this ends it.
     */
    public static final Duration IDLE_IN_TRANSACTION_TIMEOUT = Duration.ofMinutes(1);
    /** HikariCP keepaliveTime: idle pooled connections are pinged this often, so network idle limits do not cut them. */
    public static final Duration POOL_KEEPALIVE = Duration.ofMinutes(2);
    /** HikariCP connectionTimeout: the pools are sized so that a chunk never waits for a connection; this is the bound if one does. */
    public static final Duration POOL_CONNECTION_TIMEOUT = Duration.ofSeconds(30);
    /** A channel's column is this prefix and its id (ch_17), unless migrator.channels.mapping names it. */
    public static final String COLUMN_PREFIX = "ch_";
    /** The YAML routes: this directory below the working directory when there is one, else the routes packaged in the jar. */
    public static final Path ROUTES = Path.of("routes");

    private final Map<String, String> values;

    public Settings(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** A copy with some keys replaced, e.g. the embedded server's URL. */
    public Settings with(Map<String, String> overrides) {
        Map<String, String> copy = new LinkedHashMap<>(values);
        copy.putAll(overrides);
        return new Settings(copy);
    }

    public String raw(String key) {
        String v = values.get(key);
        return v == null ? "" : v.trim();
    }

    public Map<String, String> all() {
        return values;
    }

    /** Every key of the product; unknown {@code migrator.*} keys are rejected so a typo is not silently ignored. */
    public void rejectUnknownKeys() {
        for (String key : values.keySet()) {
            if (REMOVED.containsKey(key)) {
                throw new InvalidSettingException(key + " is no longer a setting (the migrator uses " + REMOVED.get(key)
                        + "); remove it from the command line or configuration file");
            }
            if (key.startsWith("migrator.") && !DEFAULTS.containsKey(key) && !key.equals(SettingsLoader.CONFIG_KEY)) {
                throw new InvalidSettingException(key + " is not a known setting; see config/application.properties for the list");
            }
        }
    }

    /** Checks every setting at once, so a bad value is reported before any work starts. */
    public void validate() {
        if (hasSourceUrl()) {
            sourceUrl();
        }
        if (!raw(TARGET_URL).isEmpty()) {
            targetUrl();
        }
        sourceTable();
        shipColumn();
        channelColumn();
        timeColumn();
        valueColumn();
        targetTable();
        controlSchema();
        channelsMapping();
        channelsUnmapped();
        to();
        chunkSize();
        parallelism();
        lease();
        followSettle();
        retryMaxAttempts();
        socketTimeout();
        poolMaxLifetime();
        capturesChanges();
        progressInterval();
        maxReplicaLag();
        serverPort();
    }

    // ---- connections -------------------------------------------------------------------------

    public boolean hasSourceUrl() {
        return !raw(SOURCE_URL).isEmpty();
    }

    public String sourceUrl() {
        return jdbcUrl(SOURCE_URL, raw(SOURCE_URL));
    }

    public String sourceUsername() {
        return raw(SOURCE_USERNAME);
    }

    public String sourcePassword() {
        return raw(SOURCE_PASSWORD);
    }

    public String targetUrl() {
        String url = raw(TARGET_URL);
        return url.isEmpty() ? sourceUrl() : jdbcUrl(TARGET_URL, url);
    }

    public String targetUsername() {
        return raw(TARGET_URL).isEmpty() && raw(TARGET_USERNAME).isEmpty() ? sourceUsername() : raw(TARGET_USERNAME);
    }

    public String targetPassword() {
        return raw(TARGET_URL).isEmpty() && raw(TARGET_PASSWORD).isEmpty() ? sourcePassword() : raw(TARGET_PASSWORD);
    }

    /** Passwords of this process, so that any text leaving it can be scrubbed of them. */
    public List<String> secrets() {
        List<String> secrets = new ArrayList<>();
        for (String key : List.of(SOURCE_PASSWORD, TARGET_PASSWORD, HTTP_TOKEN)) {
            if (!raw(key).isEmpty()) {
                secrets.add(raw(key));
            }
        }
        return secrets;
    }

    private static String jdbcUrl(String key, String url) {
        if (!url.startsWith("jdbc:postgresql:")) {
            throw InvalidSettingException.of(key, Secrets.redactUrl(url), "a PostgreSQL JDBC URL such as jdbc:postgresql://host:5432/database");
        }
        return url;
    }

    // ---- tables ------------------------------------------------------------------------------

    public String sourceTable() {
        return Identifiers.table(SOURCE_TABLE, raw(SOURCE_TABLE));
    }

    public String shipColumn() {
        return Identifiers.name(SHIP_COLUMN, raw(SHIP_COLUMN));
    }

    public String channelColumn() {
        return Identifiers.name(CHANNEL_COLUMN, raw(CHANNEL_COLUMN));
    }

    public String timeColumn() {
        return Identifiers.name(TIME_COLUMN, raw(TIME_COLUMN));
    }

    public String valueColumn() {
        return Identifiers.name(VALUE_COLUMN, raw(VALUE_COLUMN));
    }

    public String targetTable() {
        return Identifiers.table(TARGET_TABLE, raw(TARGET_TABLE));
    }

    public String controlSchema() {
        return Identifiers.name(CONTROL_SCHEMA, raw(CONTROL_SCHEMA));
    }

    public Path channelsMapping() {
        String file = raw(CHANNELS_MAPPING);
        if (file.isEmpty()) {
            return null;
        }
        Path path = Path.of(file);
        if (!Files.isRegularFile(path)) {
            throw InvalidSettingException.of(CHANNELS_MAPPING, file, "an existing CSV file with lines data_channel_id,column_name"
                    + " or ship_id,data_channel_id,column_name");
        }
        return path;
    }

    /** What happens to the readings of a channel the mapping does not name. */
    public UnmappedChannels channelsUnmapped() {
        String value = raw(CHANNELS_UNMAPPED);
        for (UnmappedChannels u : UnmappedChannels.values()) {
            if (u.name().equalsIgnoreCase(value)) {
                return u;
            }
        }
        throw InvalidSettingException.of(CHANNELS_UNMAPPED, value, "column, skip or fail");
    }

    // ---- scope -------------------------------------------------------------------------------

    public List<String> ships() {
        return list(SHIPS);
    }

    public List<String> channels() {
        return list(CHANNELS);
    }

    public Instant from() {
        return instant(FROM);
    }

    public Instant to() {
        Instant to = instant(TO);
        Instant from = from();
        if (to != null && from != null && !to.isAfter(from)) {
            throw InvalidSettingException.of(TO, raw(TO), "a time after " + FROM + " (" + raw(FROM) + ")");
        }
        return to;
    }

    // ---- chunking and throughput -------------------------------------------------------------

    public Duration chunkSize() {
        return positiveDuration(CHUNK_SIZE);
    }

    public int parallelism() {
        return intBetween(PARALLELISM, 1, 64);
    }

    public Duration lease() {
        Duration lease = positiveDuration(LEASE);
        if (lease.compareTo(Duration.ofSeconds(3)) < 0) {
            throw InvalidSettingException.of(LEASE, raw(LEASE), "a duration of at least PT3S");
        }
        return lease;
    }

    /** How long after a window's end follow mode waits before planning it (PT0S: at once). */
    public Duration followSettle() {
        return nonNegativeDuration(FOLLOW_SETTLE);
    }

    // ---- fault handling ----------------------------------------------------------------------

    public int retryMaxAttempts() {
        return intBetween(RETRY_MAX_ATTEMPTS, 1, 1000);
    }

    /**
     * The wait before a chunk's second attempt; each further one waits {@link #RETRY_MULTIPLIER} times
     * longer, up to {@link #retryMaxDelay()}. Scaled down with a short lease, whose processes are meant
     * to react within seconds.
     */
    public Duration retryInitialDelay() {
        Duration scaled = lease().dividedBy(120);
        return scaled.compareTo(RETRY_INITIAL_DELAY) < 0 ? scaled : RETRY_INITIAL_DELAY;
    }

    /** At most half the lease: a chunk waiting for its next attempt keeps the lease its last attempt took. */
    public Duration retryMaxDelay() {
        Duration half = lease().dividedBy(2);
        return half.compareTo(RETRY_MAX_DELAY) < 0 ? half : RETRY_MAX_DELAY;
    }

    // ---- connections hardening ---------------------------------------------------------------

    public Duration connectTimeout() {
        return CONNECT_TIMEOUT;
    }

    public Duration socketTimeout() {
        return nonNegativeDuration(SOCKET_TIMEOUT);
    }

    public Duration poolMaxLifetime() {
        Duration d = positiveDuration(POOL_MAX_LIFETIME);
        if (d.compareTo(Duration.ofSeconds(30)) < 0) {
            throw InvalidSettingException.of(POOL_MAX_LIFETIME, raw(POOL_MAX_LIFETIME), "at least PT30S (HikariCP's minimum)");
        }
        return d;
    }

    // ---- change capture ----------------------------------------------------------------------

    /** Whether a trigger on the source table marks the windows that change ({@code trigger}) or nothing does ({@code none}). */
    public boolean capturesChanges() {
        String v = raw(FOLLOW_CAPTURE);
        if (v.equals("trigger") || v.equals("none")) {
            return v.equals("trigger");
        }
        throw InvalidSettingException.of(FOLLOW_CAPTURE, v, "trigger or none");
    }

    // ---- process -----------------------------------------------------------------------------

    // ---- operating a run ---------------------------------------------------------------------

    public Duration progressInterval() {
        return positiveDuration(PROGRESS_INTERVAL);
    }

    /** The bearer token the control endpoints require; empty: the controls are disabled. */
    public String httpToken() {
        return raw(HTTP_TOKEN);
    }

    /** Claims pause while a replica of the source lags more than this; null: not watched. */
    public Duration maxReplicaLag() {
        return raw(MAX_REPLICA_LAG).isEmpty() ? null : positiveDuration(MAX_REPLICA_LAG);
    }

    /** The port of the status page, API, health and metrics; -1 when {@code camel.server.port} is not set (no HTTP server). */
    public int serverPort() {
        return raw(SERVER_PORT).isEmpty() ? -1 : intBetween(SERVER_PORT, 1, 65535);
    }

    /** Whether this process serves HTTP: only when a port is given. */
    public boolean serves() {
        return serverPort() > 0;
    }

    /**
     * Values the YAML routes need in a form Camel takes directly (milliseconds, redelivery counts).
     * They are derived, not settable: the documented settings above stay the single source.
     */
    public Properties camelProperties() {
        Properties p = new Properties();
        values.forEach((k, v) -> {
            if (!k.endsWith(".password") && !k.equals(HTTP_TOKEN)) {
                p.setProperty(k, v);
            }
        });
        p.setProperty("migrator.derived.max-redeliveries", String.valueOf(retryMaxAttempts() - 1));
        p.setProperty("migrator.derived.initial-delay-ms", String.valueOf(retryInitialDelay().toMillis()));
        p.setProperty("migrator.derived.max-delay-ms", String.valueOf(retryMaxDelay().toMillis()));
        p.setProperty("migrator.derived.retry-multiplier", String.valueOf(RETRY_MULTIPLIER));
        p.setProperty("migrator.derived.plan-interval-ms", String.valueOf(PLAN_INTERVAL.toMillis()));
        p.setProperty("migrator.derived.lease-renew-ms", String.valueOf(lease().toMillis() / 3));
        // How often an idle queue consumer looks whether it should stop. Camel's stop waits for each
        // queue's consumers to look, one queue after the other and with no way to wake them, so this
        // is the tail of every run; ~500 wake-ups a second of an idle consumer cost a fraction of 1 % of a core.
        p.setProperty("migrator.derived.consumer-poll-ms", "2");
        p.setProperty("migrator.derived.progress-interval-ms", String.valueOf(progressInterval().toMillis()));
        if (serves()) {
            httpServer(p);
        }
        return p;
    }

    /**
     * One port for everything: the status page and API on camel-main's HTTP server, health and
     * metrics on its management server sharing that port (platform-http-main reuses the server
     * when the ports are equal). Bound to the loopback interface unless camel.server.host says
     * otherwise: the controls change a production migration.
     */
    private void httpServer(Properties p) {
        String host = raw(SERVER_HOST).isEmpty() ? "127.0.0.1" : raw(SERVER_HOST);
        String port = String.valueOf(serverPort());
        p.setProperty("camel.server.enabled", "true");
        p.setProperty(SERVER_HOST, host);
        p.setProperty(SERVER_PORT, port);
        p.setProperty("camel.management.enabled", "true");
        p.setProperty("camel.management.host", host);
        p.setProperty("camel.management.port", port);
        p.setProperty("camel.management.healthCheckEnabled", "true");
        p.setProperty("camel.management.metricsEnabled", "true");
        p.setProperty("camel.management.infoEnabled", "false");
        p.setProperty("camel.metrics.enabled", "true");
    }

    // ---- parsing helpers ---------------------------------------------------------------------

    private List<String> list(String key) {
        List<String> items = new ArrayList<>();
        for (String part : raw(key).split(",")) {
            if (!part.isBlank()) {
                items.add(part.trim());
            }
        }
        return items;
    }

    private Instant instant(String key) {
        String v = raw(key);
        if (v.isEmpty()) {
            return null;
        }
        try {
            return IsoTime.parse(v);
        } catch (DateTimeParseException e) {
            throw InvalidSettingException.of(key, v, IsoTime.EXPECTED);
        }
    }

    private Duration positiveDuration(String key) {
        Duration d = nonNegativeDuration(key);
        if (d.isZero()) {
            throw InvalidSettingException.of(key, raw(key), "a positive ISO-8601 duration such as PT1H or PT20M");
        }
        return d;
    }

    private Duration nonNegativeDuration(String key) {
        String v = raw(key);
        try {
            Duration d = Duration.parse(v);
            if (!d.isNegative()) {
                return d;
            }
        } catch (DateTimeParseException e) {
            // reported below
        }
        throw InvalidSettingException.of(key, v, "an ISO-8601 duration such as PT1H, PT20M or PT30S");
    }

    private int intBetween(String key, int min, int max) {
        String v = raw(key);
        try {
            int i = Integer.parseInt(v);
            if (i >= min && i <= max) {
                return i;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw InvalidSettingException.of(key, v, "a whole number from " + min + " to " + max);
    }
}
