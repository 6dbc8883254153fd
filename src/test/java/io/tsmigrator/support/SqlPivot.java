package io.tsmigrator.support;

import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The independent oracle: the wide table a user would get from one SQL statement
 * ({@code GROUP BY ship, time} with {@code max(value) FILTER (WHERE channel = …)} per channel),
 * compared exactly, row for row and bit for bit, with what the migrator wrote.
 */
public final class SqlPivot {

    private SqlPivot() {
    }

    public static void assertWideEqualsPivot(TestDb db, String source, String wide, List<String> channels, List<String> columns) {
        String cells = String.join(", ", columns.stream().map(c -> "\"" + c + "\"").toList());
        String pivot = "SELECT ship_id, created_time, "
                + java.util.stream.IntStream.range(0, channels.size())
                .mapToObj(i -> "max(value) FILTER (WHERE data_channel_id::text = '" + channels.get(i) + "')")
                .collect(Collectors.joining(", "))
                + " FROM " + source + " GROUP BY ship_id, created_time";
        String migrated = "SELECT ship_id, created_time, " + cells + " FROM " + wide;
        long expected = db.count("SELECT count(*) FROM (" + pivot + ") p");
        long actual = db.count("SELECT count(*) FROM " + wide);
        assertEquals(expected, actual, "wide rows in " + wide + " vs rows of the SQL pivot");
        long missing = db.count("SELECT count(*) FROM (" + pivot + " EXCEPT ALL " + migrated + ") d");
        long extra = db.count("SELECT count(*) FROM (" + migrated + " EXCEPT ALL " + pivot + ") d");
        assertEquals(0, missing, "pivot rows missing from or different in " + wide);
        assertEquals(0, extra, "rows of " + wide + " not in the pivot");
        assertTrue(expected > 0, "the pivot has rows");
    }

    /**
     * The pivot through a per-ship mapping: each narrow row goes to the column its ship's
     * mapping gives its channel; rows of channels the mapping leaves out (no entry) are left out,
     * their timestamps too, as {@code migrator.channels.unmapped=skip} does.
     *
     * @param mapping ship id to (channel id to column), every channel to migrate listed under its ship
     * @param columns the wide columns to compare
     */
    public static void assertWideEqualsPivotThroughMapping(TestDb db, String source, String wide,
                                                           java.util.Map<String, java.util.Map<String, String>> mapping, List<String> columns) {
        String values = mapping.entrySet().stream().flatMap(ship -> ship.getValue().entrySet().stream()
                        .map(ch -> "('" + ship.getKey() + "', '" + ch.getKey() + "', '" + ch.getValue() + "')"))
                .collect(Collectors.joining(", "));
        String cells = String.join(", ", columns.stream().map(c -> "\"" + c + "\"").toList());
        String pivot = "SELECT n.ship_id, n.created_time, "
                + columns.stream().map(c -> "max(n.value) FILTER (WHERE m.column_name = '" + c + "')").collect(Collectors.joining(", "))
                + " FROM " + source + " n JOIN (VALUES " + values + ") AS m(ship_id, data_channel_id, column_name)"
                + " ON m.ship_id = n.ship_id::text AND m.data_channel_id = n.data_channel_id::text"
                + " GROUP BY n.ship_id, n.created_time";
        String migrated = "SELECT ship_id, created_time, " + cells + " FROM " + wide;
        long expected = db.count("SELECT count(*) FROM (" + pivot + ") p");
        long actual = db.count("SELECT count(*) FROM " + wide);
        assertEquals(expected, actual, "wide rows in " + wide + " vs rows of the SQL pivot through the mapping");
        long missing = db.count("SELECT count(*) FROM (" + pivot + " EXCEPT ALL " + migrated + ") d");
        long extra = db.count("SELECT count(*) FROM (" + migrated + " EXCEPT ALL " + pivot + ") d");
        assertEquals(0, missing, "pivot rows missing from or different in " + wide);
        assertEquals(0, extra, "rows of " + wide + " not in the pivot through the mapping");
        assertTrue(expected > 0, "the pivot has rows");
    }

    public static List<String> prefixed(List<Integer> channels) {
        return channels.stream().map(c -> "ch_" + c).toList();
    }

    public static List<String> ids(List<Integer> channels) {
        return channels.stream().map(String::valueOf).toList();
    }
}
