package io.tsmigrator.doctor;

import io.tsmigrator.config.Identifiers;
import io.tsmigrator.config.Settings;
import io.tsmigrator.db.Transactions;
import io.tsmigrator.source.SourceTable;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The wide table against what a run does to it: create it when absent, add channel columns, and per
 * chunk DELETE its window and binary COPY the ship id, the time and the values in.
 */
final class WideTableChecks {

    private static final String PRIVILEGES_SQL = "SELECT pg_has_role(c.relowner, 'USAGE'), has_table_privilege(c.oid, 'INSERT'),"
            + " has_table_privilege(c.oid, 'DELETE') FROM pg_class c WHERE c.oid = to_regclass(?)";
    private static final String CREATE_SQL = "SELECT CASE WHEN n.oid IS NULL THEN has_database_privilege(current_database(), 'CREATE')"
            + " ELSE has_schema_privilege(n.oid, 'CREATE') END FROM (SELECT 1) one LEFT JOIN pg_namespace n ON n.nspname = ?";

    private final DataSource target;
    private final Settings settings;
    private final SourceTable source;

    WideTableChecks(DataSource target, Settings settings, SourceTable source) {
        this.target = target;
        this.settings = settings;
        this.source = source;
    }

    /** @param channelColumns the columns the run writes the channels to */
    List<Finding> check(WideColumns wide, Collection<String> channelColumns) throws SQLException {
        String table = settings.targetTable();
        if (!wide.exists()) {
            return List.of(absent(table, channelColumns.size()));
        }
        List<Finding> findings = new ArrayList<>();
        findings.add(present(table, wide, channelColumns));
        WideColumns.Column ship = wide.get(settings.shipColumn());
        WideColumns.Column time = wide.get(settings.timeColumn());
        if (ship != null && time != null) {
            findings.add(keyTypes(ship, time));
        }
        return findings;
    }

    private Finding absent(String table, int channels) throws SQLException {
        boolean canCreate;
        try (Connection c = Transactions.forReads(target); PreparedStatement ps = c.prepareStatement(CREATE_SQL)) {
            ps.setString(1, Identifiers.schemaOf(table));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                canCreate = rs.getBoolean(1);
            }
        }
        String value = table + " does not exist";
        if (!canCreate) {
            return Finding.fail("target table", value, "the run creates it, but this role may not create tables in schema "
                    + Identifiers.schemaOf(table) + "; GRANT CREATE or create the table first");
        }
        return Finding.ok("target table", value, "the run creates it: " + settings.shipColumn() + " " + source.shipType().name() + ", "
                + settings.timeColumn() + " " + source.timeType().name() + ", " + Text.count(channels, "channel column", "channel columns")
                + " of " + source.valueType().name() + ", primary key (" + settings.shipColumn() + ", " + settings.timeColumn() + ")");
    }

    private Finding present(String table, WideColumns wide, Collection<String> channelColumns) throws SQLException {
        String quoted = Identifiers.quoteQualified(table);
        List<String> problems = new ArrayList<>();
        boolean[] privileges = privileges(quoted);
        if (!privileges[1] || !privileges[2]) {
            problems.add("this role lacks " + (!privileges[1] && !privileges[2] ? "INSERT and DELETE" : !privileges[1] ? "INSERT" : "DELETE")
                    + " on it");
        }
        Set<String> written = new HashSet<>(channelColumns);
        written.add(settings.shipColumn());
        written.add(settings.timeColumn());
        List<String> required = wide.byName().values().stream()
                .filter(c -> c.requiredWithoutDefault() && !written.contains(c.name())).map(WideColumns.Column::name).toList();
        if (!required.isEmpty()) {
            problems.add("NOT NULL columns without a default that the run does not write: " + Text.first(required));
        }
        if (!privileges[0] && channelColumns.stream().anyMatch(c -> !wide.has(c))) {
            problems.add("the run adds channel columns, but this role does not own the table");
        }
        for (String column : List.of(settings.shipColumn(), settings.timeColumn())) {
            if (!wide.has(column)) {
                problems.add("it has no column " + column);
            }
        }
        String index = SourceIndexes.of(target, quoted).leadingWith(settings.shipColumn(), settings.timeColumn())
                .map(SourceIndexes.Index::name).orElse(null);
        int others = (int) wide.byName().keySet().stream().filter(c -> !c.equals(settings.shipColumn()) && !c.equals(settings.timeColumn())).count();
        String value = table + " exists with " + Text.count(others, "more column", "more columns") + (index == null ? "" : ", index " + index);
        if (!problems.isEmpty()) {
            return Finding.fail("target table", value, String.join("; ", problems));
        }
        if (index == null) {
            return Finding.warn("target table", value + ", no index leads with (" + settings.shipColumn() + ", " + settings.timeColumn() + ")",
                    "each chunk first deletes its window, which then scans the whole table; add a primary key ("
                            + settings.shipColumn() + ", " + settings.timeColumn() + ")");
        }
        return Finding.ok("target table", value, "");
    }

    private Finding keyTypes(WideColumns.Column ship, WideColumns.Column time) {
        String value = ship.name() + " " + ship.type().name() + ", " + time.name() + " " + time.type().name()
                + "; source: " + source.shipType().name() + ", " + source.timeType().name();
        List<String> fails = new ArrayList<>();
        List<String> warns = new ArrayList<>();
        BinaryFit shipFit = BinaryFit.of(source.shipType(), ship.type());
        if (shipFit == BinaryFit.NONE) {
            fails.add(ship.name() + " cannot take the source's " + source.shipType().name() + " in binary COPY (SQLState 22P03)");
        } else if (shipFit == BinaryFit.NARROWER) {
            warns.add(ship.name() + " may be narrower than the source's " + source.shipType().name());
        }
        if (!time.type().isTimestamp()) {
            fails.add(time.name() + " is not a timestamp");
        } else if (time.type().oid() != source.timeType().oid()) {
            // both timestamp types send microseconds since 2000-01-01; the sessions' UTC decides their meaning
            warns.add(time.name() + " takes the source's times as UTC wall-clock time (the migrator's sessions run in UTC)");
        }
        if (!fails.isEmpty()) {
            return Finding.fail("target key columns", value, String.join("; ", fails));
        }
        return warns.isEmpty() ? Finding.ok("target key columns", value, "") : Finding.warn("target key columns", value, String.join("; ", warns));
    }

    /** Owner (may ALTER), INSERT, DELETE. */
    private boolean[] privileges(String quoted) throws SQLException {
        try (Connection c = Transactions.forReads(target); PreparedStatement ps = c.prepareStatement(PRIVILEGES_SQL)) {
            ps.setString(1, quoted);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                boolean[] p = {rs.getBoolean(1), rs.getBoolean(2), rs.getBoolean(3)};
                return p;
            }
        }
    }
}
