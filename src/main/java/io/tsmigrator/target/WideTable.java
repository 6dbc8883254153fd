package io.tsmigrator.target;

import io.tsmigrator.config.Identifiers;
import io.tsmigrator.config.InvalidSettingException;
import io.tsmigrator.config.Settings;
import io.tsmigrator.db.Transactions;
import io.tsmigrator.source.ColumnType;
import io.tsmigrator.source.SourceTable;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The wide target table: one row per (ship, time), one column per channel. Created when absent with
 * the source's ship, time and value types and a primary key on (ship, time); when it exists, columns
 * for new channels are added before any chunk runs.
 *
 * @param channels channel ids in column order
 * @param columns quoted column names, parallel to {@code channels}
 */
public record WideTable(String table, String ship, String time, List<String> channels, List<String> columns) {

    /** The table's names and columns; refuses two channels, or a channel and the ship or time column, on one column. */
    public static WideTable describe(Settings settings, List<String> channels, ChannelMapping mapping) {
        String shipName = settings.shipColumn();
        String timeName = settings.timeColumn();
        List<String> columns = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String channel : channels) {
            String column = mapping.columnFor(channel);
            if (column.equals(shipName) || column.equals(timeName) || !seen.add(column)) {
                throw new InvalidSettingException("channel " + channel + " maps to column '" + column
                        + "', which another column already uses; name it differently in " + Settings.CHANNELS_MAPPING);
            }
            columns.add(Identifiers.quote(column));
        }
        return new WideTable(Identifiers.quoteQualified(settings.targetTable()), Identifiers.quote(shipName), Identifiers.quote(timeName),
                List.copyOf(channels), List.copyOf(columns));
    }

    /**
     * Creates the table when absent, with the source's ship, time and value types; when it exists,
     * adds the columns of new channels and refuses a table without the ship or time column.
     */
    public void create(DataSource target, Settings settings, SourceTable source, ChannelMapping mapping) throws SQLException {
        String qualified = settings.targetTable();
        String shipName = settings.shipColumn();
        String timeName = settings.timeColumn();
        List<String> names = channels.stream().map(mapping::columnFor).toList();
        Map<String, ColumnType> existing = SourceTable.columnsOf(target, table);
        Transactions.inTransaction(target, c -> {
            try (Statement s = c.createStatement()) {
                s.execute("SELECT pg_advisory_xact_lock(hashtext('timeseries-migrator wide table'))");
                if (existing == null) {
                    s.execute("CREATE SCHEMA IF NOT EXISTS " + Identifiers.quote(Identifiers.schemaOf(qualified)));
                    StringBuilder ddl = new StringBuilder("CREATE TABLE IF NOT EXISTS ").append(table).append(" (")
                            .append(ship).append(' ').append(source.shipType().name()).append(" NOT NULL, ")
                            .append(time).append(' ').append(source.timeType().name()).append(" NOT NULL");
                    for (String column : columns) {
                        ddl.append(", ").append(column).append(' ').append(source.valueType().name());
                    }
                    ddl.append(", PRIMARY KEY (").append(ship).append(", ").append(time).append("))");
                    s.execute(ddl.toString());
                } else {
                    requireColumn(existing, shipName, qualified);
                    requireColumn(existing, timeName, qualified);
                    for (int i = 0; i < names.size(); i++) {
                        if (!existing.containsKey(names.get(i))) {
                            s.execute("ALTER TABLE " + table + " ADD COLUMN IF NOT EXISTS " + columns.get(i) + ' ' + source.valueType().name());
                        }
                    }
                }
            }
        });
    }

    /** Channel ids the existing table already has columns for, given the naming rule; empty when absent. */
    public static List<String> existingChannels(DataSource target, Settings settings, ChannelMapping mapping) throws SQLException {
        Map<String, ColumnType> existing = SourceTable.columnsOf(target, Identifiers.quoteQualified(settings.targetTable()));
        List<String> channels = new ArrayList<>();
        if (existing == null) {
            return channels;
        }
        for (String channel : mapping.mappedChannels()) {
            if (existing.containsKey(mapping.columnFor(channel))) {
                channels.add(channel);
            }
        }
        String prefix = settings.columnPrefix();
        for (String column : existing.keySet()) {
            if (!prefix.isEmpty() && column.startsWith(prefix) && column.length() > prefix.length()
                    && !mapping.mappedChannels().contains(column.substring(prefix.length()))) {
                channels.add(column.substring(prefix.length()));
            }
        }
        return channels;
    }

    private static void requireColumn(Map<String, ColumnType> existing, String column, String table) {
        if (!existing.containsKey(column)) {
            throw new InvalidSettingException(Settings.TARGET_TABLE + "='" + table + "' exists but has no column '" + column
                    + "'; point the setting at another table or add the column");
        }
    }

    public String columnList() {
        return ship + ", " + time + (columns.isEmpty() ? "" : ", " + String.join(", ", columns));
    }
}
