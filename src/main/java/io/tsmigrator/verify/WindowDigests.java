package io.tsmigrator.verify;

import io.tsmigrator.db.Transactions;
import io.tsmigrator.source.ColumnType;
import io.tsmigrator.source.SourceTable;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The two queries that digest a batch of one ship's windows, one on each side, each in its own
 * database: one round trip per side and batch, one result row per window, in window order.
 * <p>
 * A row's hash is the first 64 bits of the md5 of its time (the time type's binary form, in hex)
 * followed by its cells, {@code channel=value}, in the channels' text order under the "C"
 * collation; a window's digest adds the hashes up. md5 and this text form give the same answer on
 * every PostgreSQL version and platform, so source and target may be different servers.
 * <ul>
 * <li>Source: the narrow rows of each window, one value per (time, channel): {@code max(value)}, the
 * value the migrator's pivot keeps among duplicates (NULLs never win). A reading without a channel
 * still makes its timestamp a row, as in the pivot.</li>
 * <li>Wide: each row's channel columns unpivoted ({@code unnest} of the channel keys with an
 * {@code ARRAY} of the columns, laterally per row), each column carrying the ship's channel id; a
 * column that has no channel for the ship carries {@code #column}, so a value there shows too; a
 * column left out of the comparison (not a listed channel) carries NULL.</li>
 * </ul>
 * Values are compared exactly: floats by their binary form, so that a corrected value shows to the
 * last bit, except that -0 and 0 count as equal (they are equal to {@code max()} and to the pivot,
 * which keeps either among duplicates); numeric by its text without trailing fractional zeros (1.50
 * and 1.5 are equal values, of which the pivot keeps either).
 */
public final class WindowDigests {

    /** Marks the key of a wide column that is no channel of the ship being checked. */
    public static final String NO_CHANNEL = "#";

    private final SourceTable source;
    private final String sourceSql;
    private final String wideSql;
    private final String gapSql;
    private final boolean filtered;

    /**
     * @param wideTable, wideShip, wideTime quoted names of the wide table and its ship and time columns
     * @param wideColumns quoted channel columns of the wide table, the order of {@link #wide}'s keys
     * @param filtered whether the source's channels are limited to a list ({@code migrator.channels})
     */
    public WindowDigests(SourceTable source, String wideTable, String wideShip, String wideTime, List<String> wideColumns, boolean filtered) {
        this.source = source;
        this.filtered = filtered;
        String windows = "unnest(CAST(? AS " + baseTime() + "[]), CAST(? AS " + baseTime() + "[])) WITH ORDINALITY AS w(window_start, window_end, i)";
        String digest = "SELECT count(*) AS rows, coalesce(sum(r.cells), 0) AS cells, coalesce(sum(r.h), 0) AS hash FROM (";
        String shipValue = "CAST(? AS " + source.shipType().name() + ")";
        this.sourceSql = "SELECT x.rows, x.cells, x.hash FROM " + windows + " CROSS JOIN LATERAL (" + digest
                + " SELECT count(c.v) FILTER (WHERE c.ch IS NOT NULL) AS cells,"
                + rowHash("c.t", "string_agg(CAST(c.ch AS text) || '=' || " + valueText("c.v") + ", ',' ORDER BY CAST(c.ch AS text) COLLATE \"C\")") + " AS h"
                + " FROM (SELECT " + source.time() + " AS t, " + source.channel() + " AS ch, max(" + source.value() + ") AS v FROM " + source.table()
                + "  WHERE " + source.ship() + " = " + shipValue + " AND " + source.time() + " >= w.window_start AND " + source.time() + " < w.window_end"
                + (filtered ? " AND " + source.channel() + " = ANY (CAST(? AS " + channelElementType() + "[]))" : "")
                + "  GROUP BY 1, 2) c GROUP BY c.t) r) x ORDER BY w.i";
        this.gapSql = "SELECT g.i FROM unnest(CAST(? AS text[]), CAST(? AS " + baseTime() + "[]), CAST(? AS " + baseTime() + "[])) WITH ORDINALITY"
                + " AS g(ship, gap_start, gap_end, i) WHERE EXISTS (SELECT 1 FROM " + source.table() + " WHERE " + source.ship() + " = CAST(g.ship AS "
                + source.shipType().name() + ") AND " + source.time() + " >= g.gap_start AND " + source.time() + " < g.gap_end"
                + " AND (CAST(? AS " + channelElementType() + "[]) IS NULL OR " + source.channel() + " = ANY (CAST(? AS " + channelElementType() + "[]))))"
                + " ORDER BY g.i";
        List<String> cells = new ArrayList<>();
        for (String column : wideColumns) {
            cells.add("CAST(o." + column + " AS " + baseValue() + ")");
        }
        this.wideSql = "SELECT x.rows, x.cells, x.hash FROM " + windows + " CROSS JOIN LATERAL (" + digest
                + " SELECT u.cells, " + rowHash("o." + wideTime, "u.agg") + " AS h FROM " + wideTable + " o CROSS JOIN LATERAL"
                + "  (SELECT count(u.v) FILTER (WHERE u.k IS NOT NULL) AS cells, string_agg(u.k || '=' || " + valueText("u.v") + ", ',' ORDER BY u.k COLLATE \"C\") AS agg"
                + "   FROM unnest(CAST(? AS text[]), ARRAY[" + String.join(", ", cells) + "]) AS u(k, v)) u"
                + "  WHERE o." + wideShip + " = " + shipValue + " AND o." + wideTime + " >= w.window_start AND o." + wideTime + " < w.window_end) r) x ORDER BY w.i";
    }

    /** The source's digests of a ship's windows, in their order; {@code channels} the channels read when filtered. */
    public List<Checksum> source(DataSource read, String ship, List<LedgerWindow> windows, List<String> channels) throws SQLException {
        try (Connection c = Transactions.forReads(read); PreparedStatement ps = c.prepareStatement(sourceSql)) {
            bindWindows(c, ps, windows);
            ps.setString(3, ship);
            if (filtered) {
                ps.setArray(4, channelArray(c, channels));
            }
            return digests(ps, windows.size());
        }
    }

    /**
     * The wide table's digests of a ship's windows, in their order.
     *
     * @param keys per wide column, the ship's channel id for it as text, {@link #NO_CHANNEL} and the column, or null to leave it out
     */
    public List<Checksum> wide(DataSource target, String ship, List<LedgerWindow> windows, List<String> keys) throws SQLException {
        try (Connection c = Transactions.forReads(target); PreparedStatement ps = c.prepareStatement(wideSql)) {
            bindWindows(c, ps, windows);
            ps.setArray(3, c.createArrayOf("text", keys.toArray()));
            ps.setString(4, ship);
            return digests(ps, windows.size());
        }
    }

    /**
     * The gaps in which the source has a reading (of the {@code listed} channels, when not empty):
     * one index probe per gap, all in one query.
     */
    public List<LedgerWindow> holdingReadings(DataSource read, List<LedgerWindow> gaps, List<String> channels) throws SQLException {
        List<LedgerWindow> holding = new ArrayList<>();
        try (Connection c = Transactions.forReads(read); PreparedStatement ps = c.prepareStatement(gapSql)) {
            ps.setArray(1, c.createArrayOf("text", gaps.stream().map(LedgerWindow::ship).toArray()));
            ps.setArray(2, c.createArrayOf("text", gaps.stream().map(g -> g.start().toString()).toArray()));
            ps.setArray(3, c.createArrayOf("text", gaps.stream().map(g -> g.end().toString()).toArray()));
            java.sql.Array listed = channels.isEmpty() ? null : channelArray(c, channels);
            ps.setArray(4, listed);
            ps.setArray(5, listed);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    holding.add(gaps.get(rs.getInt(1) - 1));
                }
            }
        }
        return holding;
    }

    private java.sql.Array channelArray(Connection c, List<String> channels) throws SQLException {
        return c.createArrayOf(channelElementType(), source.channelType().isInteger() ? channels.stream().map(Long::valueOf).toArray() : channels.toArray());
    }

    /** Window bounds as text: ISO instants in UTC, which a {@code timestamp} column reads as UTC wall-clock time, as the migrator writes it. */
    private static void bindWindows(Connection c, PreparedStatement ps, List<LedgerWindow> windows) throws SQLException {
        ps.setArray(1, c.createArrayOf("text", windows.stream().map(w -> w.start().toString()).toArray()));
        ps.setArray(2, c.createArrayOf("text", windows.stream().map(w -> w.end().toString()).toArray()));
    }

    private static List<Checksum> digests(PreparedStatement ps, int expected) throws SQLException {
        List<Checksum> digests = new ArrayList<>(expected);
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                digests.add(new Checksum(rs.getLong(1), rs.getLong(2), rs.getBigDecimal(3)));
            }
        }
        if (digests.size() != expected) {
            throw new SQLException("expected " + expected + " window digests, got " + digests.size());
        }
        return digests;
    }

    /** A row's 64-bit hash: its time's binary form, then its cells' text (NULL when it has none). */
    private String rowHash(String time, String cells) {
        return "CAST(CAST('x' || left(md5(encode(" + source.timeType().sendFunction() + "(" + time + "), 'hex') || ':' || coalesce(" + cells
                + ", '')), 16) AS bit(64)) AS bigint)";
    }

    /** A value's exact text (NULL for NULL); see the class comment for -0 and numeric scale. */
    private String valueText(String v) {
        return switch (source.valueType().oid()) {
            case ColumnType.FLOAT8, ColumnType.FLOAT4 -> "encode(" + source.valueType().sendFunction() + "(CASE WHEN " + v + " = 0 THEN CAST(0 AS "
                    + baseValue() + ") ELSE " + v + " END), 'hex')";
            case ColumnType.NUMERIC -> "CASE WHEN strpos(CAST(" + v + " AS text), '.') > 0 THEN rtrim(rtrim(CAST(" + v + " AS text), '0'), '.')"
                    + " ELSE CAST(" + v + " AS text) END";
            default -> "CAST(" + v + " AS text)";
        };
    }

    /** The value type without a modifier, so a cast never rounds. */
    private String baseValue() {
        return switch (source.valueType().oid()) {
            case ColumnType.FLOAT8 -> "float8";
            case ColumnType.FLOAT4 -> "float4";
            case ColumnType.INT2 -> "int2";
            case ColumnType.INT4 -> "int4";
            case ColumnType.INT8 -> "int8";
            default -> "numeric";
        };
    }

    private String baseTime() {
        return source.timeType().oid() == ColumnType.TIMESTAMPTZ ? "timestamptz" : "timestamp";
    }

    private String channelElementType() {
        return source.channelType().isInteger() ? "int8" : "text";
    }
}
