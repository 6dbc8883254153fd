package io.tsmigrator.doctor;

import io.tsmigrator.capture.CaptureState;
import io.tsmigrator.capture.ChangeCapture;
import io.tsmigrator.config.Identifiers;
import io.tsmigrator.config.Settings;
import io.tsmigrator.source.SourceTable;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;

/**
 * The change capture on the source (docs/follow.md): whether it is installed, for which chunk size,
 * how many windows wait, and when it is not installed, whether a run could install it.
 */
final class CaptureChecks {

    static final String CHECK = "change capture";

    private static final String RIGHTS_SQL = """
            SELECT current_user, has_table_privilege(?, 'TRIGGER'),
                   CASE WHEN to_regnamespace(?) IS NULL THEN has_database_privilege(current_database(), 'CREATE')
                        ELSE has_schema_privilege(to_regnamespace(?), 'CREATE') END,
                   EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb')""";

    private final Settings settings;
    private final DataSource source;
    private final SourceTable table;

    CaptureChecks(Settings settings, DataSource source, SourceTable table) {
        this.settings = settings;
        this.source = source;
        this.table = table;
    }

    Finding check() throws SQLException {
        ChangeCapture capture = ChangeCapture.of(source, table, settings);
        CaptureState state = capture.state();
        String schema = Identifiers.quote(settings.controlSchema());
        if (!settings.capturesChanges()) {
            if (state.absent()) {
                return Finding.ok(CHECK, Settings.FOLLOW_CAPTURE + "=none: nothing installed in the source",
                        "changes inside migrated windows are found only by verify --requeue");
            }
            return Finding.warn(CHECK, "installed on " + String.join(", ", tables(state)) + " though " + Settings.FOLLOW_CAPTURE + "=none",
                    "the source's writers still pay for the trigger and no run reads its marks; remove it: doctor --drop-capture");
        }
        if (!state.elsewhere().isEmpty()) {
            return Finding.warn(CHECK, "the capture of control schema " + settings.controlSchema() + " is on " + String.join(", ", state.elsewhere()),
                    "a run cannot install it on " + table.table() + ": remove it there or use another " + Settings.CONTROL_SCHEMA);
        }
        if (state.installed()) {
            Duration marks = state.chunkSize().orElse(null);
            String value = "installed on " + table.table() + ", windows of " + marks + ", " + capture.pending() + " marked";
            return marks != null && marks.equals(settings.chunkSize()) ? Finding.ok(CHECK, value, "")
                    : Finding.ok(CHECK, value, "a run replaces the function to mark windows of " + settings.chunkSize());
        }
        return installable(schema);
    }

    private Finding installable(String schema) throws SQLException {
        try (Connection c = source.getConnection(); PreparedStatement ps = c.prepareStatement(RIGHTS_SQL)) {
            if (c.getMetaData().getDatabaseMajorVersion() < 14) {
                return cannot("the source is PostgreSQL " + c.getMetaData().getDatabaseProductVersion() + "; the trigger needs 14 or later");
            }
            ps.setString(1, table.table());
            ps.setString(2, schema);
            ps.setString(3, schema);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                String user = rs.getString(1);
                if (rs.getBoolean(4) && hypertable(c)) {
                    return cannot(table.table() + " is a TimescaleDB hypertable, which refuses triggers with transition tables");
                }
                if (!rs.getBoolean(2)) {
                    return cannot("user " + user + " may not create triggers on " + table.table() + " (GRANT TRIGGER ON " + table.table() + " TO " + user + ")");
                }
                if (!rs.getBoolean(3)) {
                    return cannot("user " + user + " may not create the capture's table and function in schema " + schema + " of the source");
                }
            }
        }
        return Finding.ok(CHECK, "not installed", "a run installs it: table dirty_window, function capture_dirty_window() and three"
                + " statement-level triggers on " + table.table() + " (docs/follow.md)");
    }

    private boolean hypertable(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT EXISTS (SELECT 1 FROM timescaledb_information.hypertables WHERE hypertable_schema = ? AND hypertable_name = ?)")) {
            ps.setString(1, Identifiers.schemaOf(settings.sourceTable()));
            ps.setString(2, Identifiers.tableOf(settings.sourceTable()));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    private static Finding cannot(String why) {
        return Finding.warn(CHECK, "cannot be installed: " + why, "a run with " + Settings.FOLLOW_CAPTURE + "=trigger cannot install it; set "
                + Settings.FOLLOW_CAPTURE + "=none to migrate without it (then only verify --requeue finds changed windows)");
    }

    private java.util.List<String> tables(CaptureState state) {
        java.util.List<String> tables = new java.util.ArrayList<>(state.elsewhere());
        if (!state.triggers().isEmpty()) {
            tables.add(0, table.table());
        }
        if (tables.isEmpty()) {
            tables.add("the source (table or function without triggers)");
        }
        return tables;
    }
}
