package io.tsmigrator.source;

import io.tsmigrator.config.Identifiers;
import io.tsmigrator.config.InvalidSettingException;
import io.tsmigrator.config.Settings;
import io.tsmigrator.db.Transactions;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * The narrow source table and the types of its four columns, read from the catalog once at start.
 * Quoted names are ready to splice into SQL; values are always bound.
 */
public record SourceTable(String table, String ship, String channel, String time, String value,
                          ColumnType shipType, ColumnType channelType, ColumnType timeType, ColumnType valueType) {

    private static final String COLUMNS_SQL = """
            SELECT a.attname, a.atttypid::int, format_type(a.atttypid, a.atttypmod), t.typsend::regproc::text
              FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
             WHERE a.attrelid = to_regclass(?) AND a.attnum > 0 AND NOT a.attisdropped""";

    public static SourceTable inspect(DataSource dataSource, Settings settings) throws SQLException {
        String table = settings.sourceTable();
        Map<String, ColumnType> columns = columnsOf(dataSource, Identifiers.quoteQualified(table));
        if (columns == null) {
            throw InvalidSettingException.of(Settings.SOURCE_TABLE, table, "an existing table in the source database");
        }
        ColumnType ship = require(columns, Settings.SHIP_COLUMN, settings.shipColumn(), table);
        ColumnType channel = require(columns, Settings.CHANNEL_COLUMN, settings.channelColumn(), table);
        ColumnType time = require(columns, Settings.TIME_COLUMN, settings.timeColumn(), table);
        ColumnType value = require(columns, Settings.VALUE_COLUMN, settings.valueColumn(), table);
        if (!channel.isInteger() && !channel.isText()) {
            throw InvalidSettingException.of(Settings.CHANNEL_COLUMN, settings.channelColumn(),
                    "a column of an integer or text type (it is " + channel.name() + ")");
        }
        if (!time.isTimestamp()) {
            throw InvalidSettingException.of(Settings.TIME_COLUMN, settings.timeColumn(),
                    "a column of type timestamp or timestamptz (it is " + time.name() + ")");
        }
        if (!value.isNumber()) {
            throw InvalidSettingException.of(Settings.VALUE_COLUMN, settings.valueColumn(),
                    "a column of a numeric type: double precision, real, smallint, integer, bigint or numeric (it is " + value.name() + ")");
        }
        return new SourceTable(Identifiers.quoteQualified(table), Identifiers.quote(settings.shipColumn()),
                Identifiers.quote(settings.channelColumn()), Identifiers.quote(settings.timeColumn()),
                Identifiers.quote(settings.valueColumn()), ship, channel, time, value);
    }

    /** Column name to type of a table, or null when the table does not exist. */
    public static Map<String, ColumnType> columnsOf(DataSource dataSource, String quotedTable) throws SQLException {
        try (Connection c = Transactions.forReads(dataSource); PreparedStatement ps = c.prepareStatement(COLUMNS_SQL)) {
            ps.setString(1, quotedTable);
            Map<String, ColumnType> columns = new HashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.put(rs.getString(1), new ColumnType(rs.getInt(2), rs.getString(3), rs.getString(4)));
                }
            }
            return columns.isEmpty() ? null : columns;
        }
    }

    private static ColumnType require(Map<String, ColumnType> columns, String key, String column, String table) {
        ColumnType type = columns.get(column);
        if (type == null) {
            throw InvalidSettingException.of(key, column, "a column of " + table + " (it has " + String.join(", ", columns.keySet()) + ")");
        }
        return type;
    }
}
