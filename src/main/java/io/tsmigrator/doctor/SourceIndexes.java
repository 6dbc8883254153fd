package io.tsmigrator.doctor;

import io.tsmigrator.db.Transactions;

import javax.sql.DataSource;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The valid, non-partial B-tree indexes of the source table with their columns in order: the only
 * kind that serves a range of one ship in time order, and the skip-scans of discovery.
 */
record SourceIndexes(List<Index> indexes) {

    /** @param columns column names in key order; null for an expression */
    record Index(String name, List<String> columns) {

        boolean leadsWith(List<String> leading) {
            return columns.size() >= leading.size() && leading.equals(columns.subList(0, leading.size()));
        }
    }

    private static final String INDEXES_SQL = """
            SELECT c.relname::text, array_agg(a.attname::text ORDER BY k.ord)
              FROM pg_index i
              JOIN pg_class c ON c.oid = i.indexrelid
              JOIN pg_am am ON am.oid = c.relam AND am.amname = 'btree'
              CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
              LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
             WHERE i.indrelid = to_regclass(?) AND i.indisvalid AND i.indpred IS NULL
             GROUP BY c.relname
             ORDER BY c.relname""";

    static SourceIndexes of(DataSource dataSource, String quotedTable) throws SQLException {
        List<Index> indexes = new ArrayList<>();
        try (Connection c = Transactions.forReads(dataSource); PreparedStatement ps = c.prepareStatement(INDEXES_SQL)) {
            ps.setString(1, quotedTable);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Array columns = rs.getArray(2);
                    indexes.add(new Index(rs.getString(1), Arrays.asList((String[]) columns.getArray())));
                }
            }
        }
        return new SourceIndexes(List.copyOf(indexes));
    }

    Optional<Index> leadingWith(String... columns) {
        return indexes.stream().filter(i -> i.leadsWith(List.of(columns))).findFirst();
    }
}
