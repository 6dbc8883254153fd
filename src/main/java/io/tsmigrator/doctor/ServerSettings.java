package io.tsmigrator.doctor;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The limits one server puts on the migrator's sessions, as a session of its role in its database
 * starts with them.
 * <p>
 * They are read on a plain session (no pool, no init SQL), because the pools' sessions run
 * {@code set_config} at connect and tighten {@code statement_timeout} and
 * {@code idle_in_transaction_session_timeout} to the migrator's own values: {@code SHOW} there
 * reports the migrator, not the server. {@code pg_settings.reset_val} would give the value but not
 * where it came from; on a plain session {@code pg_settings.source} names that too (configuration
 * file, {@code ALTER DATABASE}, {@code ALTER ROLE}, options in the URL), which is what a DBA needs
 * to change it.
 */
record ServerSettings(String version, String database, String user, Map<String, Setting> settings) {

    static final String STATEMENT_TIMEOUT = "statement_timeout";
    static final String IDLE_IN_TRANSACTION = "idle_in_transaction_session_timeout";
    static final String IDLE_SESSION = "idle_session_timeout";
    static final String KEEPALIVES_IDLE = "tcp_keepalives_idle";
    static final String KEEPALIVES_INTERVAL = "tcp_keepalives_interval";
    static final String KEEPALIVES_COUNT = "tcp_keepalives_count";
    static final String TCP_USER_TIMEOUT = "tcp_user_timeout";

    private static final String SETTINGS_SQL = "SELECT name, setting, unit, source FROM pg_settings WHERE name = ANY (?)";

    /** One setting; {@code value} is in {@code unit} ({@code ms}, {@code s} or none). */
    record Setting(String name, long value, String unit, String source) {

        Duration duration() {
            return switch (unit == null ? "" : unit) {
                case "ms" -> Duration.ofMillis(value);
                case "s" -> Duration.ofSeconds(value);
                case "min" -> Duration.ofMinutes(value);
                default -> throw new IllegalStateException(name + " has no time unit");
            };
        }

        boolean isSet() {
            return value != 0;
        }

        /** Where the value comes from, in the words of the command that changes it. */
        String origin() {
            return switch (source) {
                case "default" -> "default";
                case "configuration file" -> "server configuration";
                case "command line" -> "server command line";
                case "database" -> "ALTER DATABASE";
                case "user" -> "ALTER ROLE";
                case "database user" -> "ALTER ROLE ... IN DATABASE";
                case "client" -> "connection options";
                default -> source;
            };
        }

        /** "5 s (ALTER DATABASE)", "0 (default: off)". */
        String describe() {
            if (!isSet() && unit != null) {
                return "0 (" + origin() + ": off)";
            }
            return (unit == null ? String.valueOf(value) : Durations.human(duration())) + " (" + origin() + ")";
        }
    }

    static ServerSettings read(Connection plainSession) throws SQLException {
        Map<String, Setting> settings = new HashMap<>();
        try (PreparedStatement ps = plainSession.prepareStatement(SETTINGS_SQL)) {
            ps.setArray(1, plainSession.createArrayOf("text", new String[] {STATEMENT_TIMEOUT, IDLE_IN_TRANSACTION, IDLE_SESSION,
                    KEEPALIVES_IDLE, KEEPALIVES_INTERVAL, KEEPALIVES_COUNT, TCP_USER_TIMEOUT}));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    settings.put(rs.getString(1), new Setting(rs.getString(1), Long.parseLong(rs.getString(2)), rs.getString(3), rs.getString(4)));
                }
            }
        }
        try (Statement s = plainSession.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_setting('server_version'), current_database(), current_user")) {
            rs.next();
            return new ServerSettings(rs.getString(1), rs.getString(2), rs.getString(3), settings);
        }
    }

    /** A setting, or null when this server version does not have it. */
    Setting get(String name) {
        return settings.get(name);
    }
}
