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
    public static final String COLUMN_PREFIX = "migrator.target.column-prefix";
    public static final String CHANNELS_MAPPING = "migrator.channels.mapping";
    public static final String CHANNELS_UNMAPPED = "migrator.channels.unmapped";
    public static final String SHIPS = "migrator.ships";
    public static final String FROM = "migrator.from";
    public static final String TO = "migrator.to";
    public static final String CHANNELS = "migrator.channels";
    public static final String CHUNK_SIZE = "migrator.chunk-size";
    public static final String MIN_CHUNK_SIZE = "migrator.min-chunk-size";
    public static final String PARALLELISM = "migrator.parallelism";
    public static final String CONTROL_SCHEMA = "migrator.control-schema";
    public static final String PLAN_INTERVAL = "migrator.plan-interval";
    public static final String LEASE = "migrator.lease";
    public static final String FOLLOW_SETTLE = "migrator.follow.settle";
    public static final String RETRY_MAX_ATTEMPTS = "migrator.retry.max-attempts";
    public static final String RETRY_INITIAL_DELAY = "migrator.retry.initial-delay";
    public static final String RETRY_MAX_DELAY = "migrator.retry.max-delay";
    public static final String SHUTDOWN_TIMEOUT = "migrator.shutdown-timeout";
    public static final String SOCKET_TIMEOUT = "migrator.db.socket-timeout";
    public static final String STATEMENT_TIMEOUT = "migrator.db.statement-timeout";
    public static final String IDLE_IN_TX_TIMEOUT = "migrator.db.idle-in-transaction-timeout";
    public static final String POOL_MAX_LIFETIME = "migrator.pool.max-lifetime";
    public static final String POOL_KEEPALIVE = "migrator.pool.keepalive-time";
    public static final String POOL_CONNECTION_TIMEOUT = "migrator.pool.connection-timeout";
    public static final String FOLLOW_CAPTURE = "migrator.follow.capture";
    public static final String ROUTES = "migrator.routes";
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

    /** How long opening a connection may take (pgjdbc's connectTimeout). */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** How much longer each redelivery waits than the one before. */
    public static final double RETRY_MULTIPLIER = 2.0;

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
        columnPrefix();
        controlSchema();
        channelsMapping();
        channelsUnmapped();
        to();
        minChunkSize();
        parallelism();
        planInterval();
        lease();
        followSettle();
        retryMaxAttempts();
        retryInitialDelay();
        retryMaxDelay();
        shutdownTimeout();
        socketTimeout();
        statementTimeout();
        idleInTransactionTimeout();
        poolKeepaliveTime();
        poolConnectionTimeout();
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

    public String columnPrefix() {
        String prefix = raw(COLUMN_PREFIX);
        if (!prefix.isEmpty() && !Identifiers.isValidName(prefix)) {
            throw InvalidSettingException.of(COLUMN_PREFIX, prefix, "the start of an SQL identifier, e.g. ch_");
        }
        return prefix;
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

    public Duration minChunkSize() {
        Duration min = positiveDuration(MIN_CHUNK_SIZE);
        if (min.compareTo(chunkSize()) > 0) {
            throw InvalidSettingException.of(MIN_CHUNK_SIZE, raw(MIN_CHUNK_SIZE), "a duration no longer than " + CHUNK_SIZE + " (" + raw(CHUNK_SIZE) + ")");
        }
        return min;
    }

    public int parallelism() {
        return intBetween(PARALLELISM, 1, 64);
    }

    public Duration planInterval() {
        return positiveDuration(PLAN_INTERVAL);
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

    public Duration retryInitialDelay() {
        return nonNegativeDuration(RETRY_INITIAL_DELAY);
    }

    /** Shorter than the lease: a chunk waiting for its next attempt keeps the lease its last attempt took. */
    public Duration retryMaxDelay() {
        Duration d = nonNegativeDuration(RETRY_MAX_DELAY);
        if (d.compareTo(lease()) >= 0) {
            throw InvalidSettingException.of(RETRY_MAX_DELAY, raw(RETRY_MAX_DELAY), "a duration shorter than " + LEASE + " (" + raw(LEASE) + ")");
        }
        return d;
    }

    public Duration shutdownTimeout() {
        return positiveDuration(SHUTDOWN_TIMEOUT);
    }

    // ---- connections hardening ---------------------------------------------------------------

    public Duration connectTimeout() {
        return CONNECT_TIMEOUT;
    }

    public Duration socketTimeout() {
        return nonNegativeDuration(SOCKET_TIMEOUT);
    }

    public Duration statementTimeout() {
        return nonNegativeDuration(STATEMENT_TIMEOUT);
    }

    public Duration idleInTransactionTimeout() {
        return nonNegativeDuration(IDLE_IN_TX_TIMEOUT);
    }

    public Duration poolMaxLifetime() {
        Duration d = positiveDuration(POOL_MAX_LIFETIME);
        if (d.compareTo(Duration.ofSeconds(30)) < 0) {
            throw InvalidSettingException.of(POOL_MAX_LIFETIME, raw(POOL_MAX_LIFETIME), "at least PT30S (HikariCP's minimum)");
        }
        return d;
    }

    public Duration poolKeepaliveTime() {
        Duration d = nonNegativeDuration(POOL_KEEPALIVE);
        if (!d.isZero() && d.compareTo(Duration.ofSeconds(30)) < 0) {
            throw InvalidSettingException.of(POOL_KEEPALIVE, raw(POOL_KEEPALIVE), "PT0S (off) or at least PT30S (HikariCP's minimum)");
        }
        if (!d.isZero() && d.compareTo(poolMaxLifetime()) >= 0) {
            throw InvalidSettingException.of(POOL_KEEPALIVE, raw(POOL_KEEPALIVE), "a duration shorter than " + POOL_MAX_LIFETIME + " (" + raw(POOL_MAX_LIFETIME) + ")");
        }
        return d;
    }

    public Duration poolConnectionTimeout() {
        Duration d = positiveDuration(POOL_CONNECTION_TIMEOUT);
        if (d.compareTo(Duration.ofMillis(250)) < 0) {
            throw InvalidSettingException.of(POOL_CONNECTION_TIMEOUT, raw(POOL_CONNECTION_TIMEOUT), "at least PT0.25S (HikariCP's minimum)");
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

    public Path routesDirectory() {
        return Path.of(raw(ROUTES));
    }

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
        p.setProperty("migrator.derived.plan-interval-ms", String.valueOf(planInterval().toMillis()));
        p.setProperty("migrator.derived.lease-renew-ms", String.valueOf(lease().toMillis() / 3));
        p.setProperty("migrator.derived.shutdown-timeout-s", String.valueOf(Math.max(1, shutdownTimeout().toSeconds())));
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

    private boolean bool(String key) {
        String v = raw(key);
        if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(v);
        }
        throw InvalidSettingException.of(key, v, "true or false");
    }
}
