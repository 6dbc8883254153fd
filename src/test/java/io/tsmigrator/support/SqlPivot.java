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

    public static List<String> prefixed(List<Integer> channels) {
        return channels.stream().map(c -> "ch_" + c).toList();
    }

    public static List<String> ids(List<Integer> channels) {
        return channels.stream().map(String::valueOf).toList();
    }
}
