package io.tsmigrator.doctor;

import io.tsmigrator.config.Identifiers;
import io.tsmigrator.config.InvalidSettingException;
import io.tsmigrator.config.Settings;
import io.tsmigrator.db.Transactions;
import io.tsmigrator.source.ColumnType;
import io.tsmigrator.source.SourceTable;
import io.tsmigrator.target.ChannelMapping;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The wide table and the channel mapping against what a run writes: a binary COPY of the ship id,
 * the time and one value per channel in the source's own types, after a DELETE of the chunk's window.
 */
final class TargetChecks {

    private static final String COLUMNS_SQL = """
            SELECT a.attname, a.atttypid::int, format_type(a.atttypid, a.atttypmod),
                   a.attnotnull AND NOT a.atthasdef AND a.attidentity = '' AND a.attgenerated = ''
              FROM pg_attribute a
             WHERE a.attrelid = to_regclass(?) AND a.attnum > 0 AND NOT a.attisdropped
             ORDER BY a.attnum""";
    private static final String PRIVILEGES_SQL = "SELECT pg_has_role(c.relowner, 'USAGE'), has_table_privilege(c.oid, 'INSERT'),"
            + " has_table_privilege(c.oid, 'DELETE') FROM pg_class c WHERE c.oid = to_regclass(?)";
    private static final String CREATE_SQL = "SELECT CASE WHEN n.oid IS NULL THEN has_database_privilege(current_database(), 'CREATE')"
            + " ELSE has_schema_privilege(n.oid, 'CREATE') END FROM (SELECT 1) one LEFT JOIN pg_namespace n ON n.nspname = ?";

    private record Column(String name, ColumnType type, boolean requiredWithoutDefault) {
    }

    private final DataSource target;
    private final Settings settings;
    private final SourceTable source;

    TargetChecks(DataSource target, Settings settings, SourceTable source) {
        this.target = target;
        this.settings = settings;
        this.source = source;
    }

    /**
     * @param channels the run's channels, in column order
     * @param channelsOrigin how they were found, for the report
     */
    List<Finding> check(List<String> channels, String channelsOrigin, ChannelMapping mapping) throws SQLException {
        List<Finding> findings = new ArrayList<>();
        String table = settings.targetTable();
        String quoted = Identifiers.quoteQualified(table);
        Map<String, String> columnOf = new LinkedHashMap<>();
        Finding naming = names(channels, mapping, columnOf);
        Map<String, Column> existing = columns(quoted);
        if (existing.isEmpty()) {
            findings.add(absent(table, columnOf.size()));
        } else {
            findings.addAll(present(table, quoted, existing, columnOf.values()));
        }
        if (naming != null) {
            findings.add(naming);
        } else {
            findings.add(channelColumns(channels.size(), channelsOrigin, columnOf, existing));
        }
        if (settings.channelsMapping() != null) {
            findings.add(mappingFinding(mapping, channels, existing));
        }
        return findings;
    }

    /** Each channel's column name, or a failing finding for a name that cannot be used. */
    private Finding names(List<String> channels, ChannelMapping mapping, Map<String, String> columnOf) {
        Set<String> used = new HashSet<>(List.of(settings.shipColumn(), settings.timeColumn()));
        for (String channel : channels) {
            String column;
            try {
                column = mapping.columnFor(channel);
            } catch (InvalidSettingException e) {
                return Finding.fail("channel columns", "channel " + channel, e.getMessage());
            }
            if (!used.add(column)) {
                return Finding.fail("channel columns", "channel " + channel + " -> column " + column,
                        "another column already uses that name; name it differently in " + Settings.CHANNELS_MAPPING);
            }
            columnOf.put(channel, column);
        }
        return null;
    }

    private Finding absent(String table, int channels) throws SQLException {
        boolean canCreate;
        try (Connection c = target.getConnection(); PreparedStatement ps = c.prepareStatement(CREATE_SQL)) {
            ps.setString(1, Identifiers.schemaOf(table));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                canCreate = rs.getBoolean(1);
            }
            Transactions.endRead(c);
        }
        String value = table + " does not exist";
        if (!canCreate) {
            return Finding.fail("target table", value, "the run creates it, but this role may not create tables in schema "
                    + Identifiers.schemaOf(table) + "; GRANT CREATE or create the table first");
        }
        return Finding.ok("target table", value, "the run creates it: " + settings.shipColumn() + " " + source.shipType().name() + ", "
                + settings.timeColumn() + " " + source.timeType().name() + ", " + channels + " channel columns of " + source.valueType().name()
                + ", primary key (" + settings.shipColumn() + ", " + settings.timeColumn() + ")");
    }

    private List<Finding> present(String table, String quoted, Map<String, Column> existing, java.util.Collection<String> channelColumns)
            throws SQLException {
        List<Finding> findings = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        boolean[] privileges = privileges(quoted);
        if (!privileges[1] || !privileges[2]) {
            problems.add("this role lacks " + (!privileges[1] && !privileges[2] ? "INSERT and DELETE" : !privileges[1] ? "INSERT" : "DELETE")
                    + " on it");
        }
        Set<String> written = new HashSet<>(channelColumns);
        written.add(settings.shipColumn());
        written.add(settings.timeColumn());
        List<String> required = existing.values().stream()
                .filter(c -> c.requiredWithoutDefault() && !written.contains(c.name())).map(Column::name).toList();
        if (!required.isEmpty()) {
            problems.add("NOT NULL columns without a default that the run does not write: " + String.join(", ", required));
        }
        boolean missing = channelColumns.stream().anyMatch(c -> !existing.containsKey(c));
        if (missing && !privileges[0]) {
            problems.add("the run adds channel columns, but this role does not own the table");
        }
        Column ship = existing.get(settings.shipColumn());
        Column time = existing.get(settings.timeColumn());
        for (String column : List.of(settings.shipColumn(), settings.timeColumn())) {
            if (!existing.containsKey(column)) {
                problems.add("it has no column " + column);
            }
        }
        SourceIndexes indexes = SourceIndexes.of(target, quoted);
        String index = indexes.leadingWith(settings.shipColumn(), settings.timeColumn()).map(SourceIndexes.Index::name).orElse(null);
        int others = existing.size() - (ship == null ? 0 : 1) - (time == null ? 0 : 1);
        String value = table + " exists with " + count(others, "more column", "more columns") + (index == null ? "" : ", index " + index);
        if (!problems.isEmpty()) {
            findings.add(Finding.fail("target table", value, String.join("; ", problems)));
        } else if (index == null) {
            findings.add(Finding.warn("target table", value + ", no index leads with (" + settings.shipColumn() + ", " + settings.timeColumn() + ")",
                    "each chunk first deletes its window, which then scans the whole table; add a primary key ("
                            + settings.shipColumn() + ", " + settings.timeColumn() + ")"));
        } else {
            findings.add(Finding.ok("target table", value, ""));
        }
        if (ship != null && time != null) {
            findings.add(keyTypes(ship, time));
        }
        return findings;
    }

    private Finding keyTypes(Column ship, Column time) {
        String value = ship.name() + " " + ship.type().name() + ", " + time.name() + " " + time.type().name()
                + "; source: " + source.shipType().name() + ", " + source.timeType().name();
        List<String> fails = new ArrayList<>();
        List<String> warns = new ArrayList<>();
        Compatibility shipFit = Compatibility.of(source.shipType(), ship.type());
        if (shipFit == Compatibility.NONE) {
            fails.add(ship.name() + " cannot take the source's " + source.shipType().name() + " in binary COPY (SQLState 22P03)");
        } else if (shipFit == Compatibility.NARROWER) {
            warns.add(ship.name() + " may be narrower than the source's " + source.shipType().name());
        }
        if (!time.type().isTimestamp()) {
            fails.add(time.name() + " is not a timestamp");
        } else if (time.type().oid() != source.timeType().oid()) {
            warns.add(time.name() + " takes the source's times as UTC wall-clock time (the migrator's sessions run in UTC)");
        }
        if (!fails.isEmpty()) {
            return Finding.fail("target key columns", value, String.join("; ", fails));
        }
        return warns.isEmpty() ? Finding.ok("target key columns", value, "") : Finding.warn("target key columns", value, String.join("; ", warns));
    }

    private Finding channelColumns(int channels, String origin, Map<String, String> columnOf, Map<String, Column> existing) {
        List<String> toAdd = new ArrayList<>();
        List<String> wrongType = new ArrayList<>();
        List<String> narrower = new ArrayList<>();
        for (String column : columnOf.values()) {
            Column c = existing.get(column);
            if (c == null) {
                toAdd.add(column);
            } else if (Compatibility.of(source.valueType(), c.type()) == Compatibility.NONE) {
                wrongType.add(column + " " + c.type().name());
            } else if (Compatibility.of(source.valueType(), c.type()) == Compatibility.NARROWER) {
                narrower.add(column + " " + c.type().name());
            }
        }
        int have = channels - toAdd.size();
        String value = count(channels, "channel", "channels") + " (" + origin + ")" + (existing.isEmpty() ? ""
                : ": " + have + (have == 1 ? " has a column" : " have a column") + (toAdd.isEmpty() ? "" : ", " + toAdd.size() + " to add: " + first(toAdd)));
        if (channels == 0) {
            return Finding.warn("channel columns", value, "no channel to migrate: list them in " + Settings.CHANNELS);
        }
        if (!wrongType.isEmpty()) {
            return Finding.fail("channel columns", value, "binary COPY sends " + source.valueType().name() + " values, which these columns"
                    + " cannot read (SQLState 22P03): " + first(wrongType) + "; alter them to " + source.valueType().name());
        }
        if (!narrower.isEmpty()) {
            return Finding.warn("channel columns", value, "narrower than the source's " + source.valueType().name() + ", values may be"
                    + " rounded or overflow: " + first(narrower));
        }
        return Finding.ok("channel columns", value, toAdd.isEmpty() || existing.isEmpty() ? "" : "the run adds the missing columns");
    }

    private Finding mappingFinding(ChannelMapping mapping, List<String> channels, Map<String, Column> existing) {
        String value = Settings.CHANNELS_MAPPING + "=" + settings.channelsMapping() + " names " + count(mapping.mappedChannels().size(), "channel", "channels");
        List<String> unused = mapping.mappedChannels().stream().filter(ch -> !channels.contains(ch)).toList();
        List<String> stale = new ArrayList<>();
        for (String channel : mapping.mappedChannels()) {
            String prefixed = settings.columnPrefix() + channel;
            if (channels.contains(channel) && !prefixed.equals(mapping.columnFor(channel)) && existing.containsKey(prefixed)) {
                stale.add(prefixed + " (now " + mapping.columnFor(channel) + ")");
            }
        }
        if (!stale.isEmpty()) {
            return Finding.warn("channel mapping", value, "the table still has the prefixed columns of renamed channels, which the run"
                    + " no longer writes: " + first(stale));
        }
        if (!unused.isEmpty()) {
            return Finding.warn("channel mapping", value, "it names channels the run does not migrate (a typo?): " + first(unused));
        }
        return Finding.ok("channel mapping", value, "");
    }

    private Map<String, Column> columns(String quoted) throws SQLException {
        Map<String, Column> columns = new LinkedHashMap<>();
        try (Connection c = target.getConnection(); PreparedStatement ps = c.prepareStatement(COLUMNS_SQL)) {
            ps.setString(1, quoted);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.put(rs.getString(1), new Column(rs.getString(1), new ColumnType(rs.getInt(2), rs.getString(3), null), rs.getBoolean(4)));
                }
            }
            Transactions.endRead(c);
        }
        return columns;
    }

    /** Owner (may ALTER), INSERT, DELETE. */
    private boolean[] privileges(String quoted) throws SQLException {
        try (Connection c = target.getConnection(); PreparedStatement ps = c.prepareStatement(PRIVILEGES_SQL)) {
            ps.setString(1, quoted);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                boolean[] p = {rs.getBoolean(1), rs.getBoolean(2), rs.getBoolean(3)};
                Transactions.endRead(c);
                return p;
            }
        }
    }

    private static String count(int n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }

    private static String first(List<String> items) {
        int shown = Math.min(items.size(), 5);
        return String.join(", ", items.subList(0, shown)) + (items.size() > shown ? " and " + (items.size() - shown) + " more" : "");
    }

    /** Whether a column of one type reads the binary form of another. */
    private enum Compatibility {
        SAME, NARROWER, NONE;

        static Compatibility of(ColumnType from, ColumnType to) {
            if (from.oid() == to.oid()) {
                return from.name().equals(to.name()) ? SAME : NARROWER;
            }
            // text, varchar and char share one binary form: the characters
            if (from.isText() && to.isText()) {
                return to.oid() == ColumnType.TEXT ? SAME : NARROWER;
            }
            return NONE;
        }
    }
}
