package io.tsmigrator.wide;

import io.tsmigrator.config.Identifiers;
import io.tsmigrator.config.InvalidSettingException;
import io.tsmigrator.config.Settings;
import io.tsmigrator.db.Transactions;
import io.tsmigrator.source.SourceTable;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The wide target table: one row per (ship, time), one column per channel column name. Created when
 * absent with the source's ship, time and value types and a primary key on (ship, time); columns
 * are added as channels appear ({@link #ensure}), never more than PostgreSQL's 1,600.
 *
 * @param qualified the configured name, unquoted; @param table, ship, time quoted
 */
public record WideTable(String qualified, String table, String ship, String time, String shipName, String timeName) {

    /** DDL on the wide table takes this lock first, so that processes meeting a new channel at once add it once. */
    private static final String LOCK = "SELECT pg_advisory_xact_lock(hashtext('timeseries-migrator wide table'))";

    // Dropped columns keep their attribute numbers, and the limit counts those.
    private static final String SHAPE_SQL = "SELECT a.attname::text, a.attisdropped, a.attnum FROM pg_attribute a"
            + " WHERE a.attrelid = to_regclass(?) AND a.attnum > 0 ORDER BY a.attnum";

    public static WideTable of(Settings settings) {
        return new WideTable(settings.targetTable(), Identifiers.quoteQualified(settings.targetTable()), Identifiers.quote(settings.shipColumn()),
                Identifiers.quote(settings.timeColumn()), settings.shipColumn(), settings.timeColumn());
    }

    /**
     * The table's live columns in order, and the attribute numbers it takes (the limit's count);
     * {@code exists} false when there is no table.
     */
    public record Shape(boolean exists, List<String> columns, int attributes) {

        /** The columns other than ship and time. */
        public List<String> valueColumns(WideTable wide) {
            return columns.stream().filter(c -> !c.equals(wide.shipName()) && !c.equals(wide.timeName())).toList();
        }
    }

    public Shape shape(DataSource target) throws SQLException {
        try (Connection c = Transactions.forReads(target)) {
            return shape(c);
        }
    }

    private Shape shape(Connection c) throws SQLException {
        List<String> columns = new ArrayList<>();
        int attributes = 0;
        try (PreparedStatement ps = c.prepareStatement(SHAPE_SQL)) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (!rs.getBoolean(2)) {
                        columns.add(rs.getString(1));
                    }
                    attributes = rs.getInt(3);
                }
            }
        }
        return new Shape(attributes > 0, List.copyOf(columns), attributes);
    }

    /** Refuses, before anything is written, a set of columns that would take the table past the limit. */
    public void checkLimit(Shape shape, Collection<String> columns, String estimate) {
        Set<String> adding = new LinkedHashSet<>(columns);
        adding.removeAll(shape.columns());
        ColumnLimitException.check(qualified, shape.attributes(), adding.size() + (shape.exists() ? 0 : 2), estimate);
    }

    /**
     * Creates the table when absent, with the source's ship, time and value types; when it exists,
     * adds the missing {@code columns} (nullable: no rewrite of the table) and refuses a table
     * without the ship or time column. One short transaction under the wide table's advisory lock;
     * refuses, adding nothing, when the columns would pass the limit. Returns the table's shape after.
     */
    public Shape ensure(DataSource target, SourceTable source, Collection<String> columns) throws SQLException {
        Shape[] after = new Shape[1];
        Transactions.inTransaction(target, c -> {
            try (Statement s = c.createStatement()) {
                s.execute(LOCK);
                Shape shape = shape(c);
                checkLimit(shape, columns, "");
                if (!shape.exists()) {
                    Transactions.createSchemaIfAbsent(c, Identifiers.quote(Identifiers.schemaOf(qualified)));
                    StringBuilder ddl = new StringBuilder("CREATE TABLE IF NOT EXISTS ").append(table).append(" (")
                            .append(ship).append(' ').append(source.shipType().name()).append(" NOT NULL, ")
                            .append(time).append(' ').append(source.timeType().name()).append(" NOT NULL");
                    for (String column : new LinkedHashSet<>(columns)) {
                        ddl.append(", ").append(Identifiers.quote(column)).append(' ').append(source.valueType().name());
                    }
                    ddl.append(", PRIMARY KEY (").append(ship).append(", ").append(time).append("))");
                    s.execute(ddl.toString());
                } else {
                    requireColumn(shape, shipName);
                    requireColumn(shape, timeName);
                    List<String> clauses = new ArrayList<>();
                    for (String column : new LinkedHashSet<>(columns)) {
                        if (!shape.columns().contains(column)) {
                            clauses.add("ADD COLUMN IF NOT EXISTS " + Identifiers.quote(column) + ' ' + source.valueType().name());
                        }
                    }
                    if (!clauses.isEmpty()) {
                        s.execute("ALTER TABLE " + table + ' ' + String.join(", ", clauses));
                    }
                }
                after[0] = shape(c);
            }
        });
        return after[0];
    }

    private void requireColumn(Shape shape, String column) {
        if (!shape.columns().contains(column)) {
            throw new InvalidSettingException(Settings.TARGET_TABLE + "='" + qualified + "' exists but has no column '" + column
                    + "'; point the setting at another table or add the column");
        }
    }
}
