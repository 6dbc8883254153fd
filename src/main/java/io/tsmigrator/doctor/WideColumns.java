package io.tsmigrator.doctor;

import io.tsmigrator.db.Transactions;
import io.tsmigrator.source.ColumnType;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/** The wide table's columns as the catalog states them; empty when the table does not exist. */
record WideColumns(Map<String, Column> byName) {

    /** @param requiredWithoutDefault NOT NULL with no default, identity or generation: a COPY that leaves it out fails */
    record Column(String name, ColumnType type, boolean requiredWithoutDefault) {
    }

    private static final String COLUMNS_SQL = """
            SELECT a.attname, a.atttypid::int, format_type(a.atttypid, a.atttypmod),
                   a.attnotnull AND NOT a.atthasdef AND a.attidentity = '' AND a.attgenerated = ''
              FROM pg_attribute a
             WHERE a.attrelid = to_regclass(?) AND a.attnum > 0 AND NOT a.attisdropped
             ORDER BY a.attnum""";

    static WideColumns read(DataSource target, String quotedTable) throws SQLException {
        Map<String, Column> columns = new LinkedHashMap<>();
        try (Connection c = Transactions.forReads(target); PreparedStatement ps = c.prepareStatement(COLUMNS_SQL)) {
            ps.setString(1, quotedTable);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.put(rs.getString(1), new Column(rs.getString(1), new ColumnType(rs.getInt(2), rs.getString(3), null), rs.getBoolean(4)));
                }
            }
        }
        return new WideColumns(columns);
    }

    boolean exists() {
        return !byName.isEmpty();
    }

    boolean has(String column) {
        return byName.containsKey(column);
    }

    Column get(String column) {
        return byName.get(column);
    }
}
