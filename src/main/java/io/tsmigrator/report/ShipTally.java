package io.tsmigrator.report;

import io.tsmigrator.migrate.ChunkResult;

import java.util.HashMap;
import java.util.Map;

/**
 * The per-ship aggregator's tallies: {@link #of} turns a finished chunk into a one-chunk tally and
 * {@link #add} merges two. A tally is a plain {@code HashMap} of strings and longs because the JDBC
 * aggregation repository persists it with Java serialization and admits only {@code java.*}
 * classes; converting before the aggregator means no other class ever reaches the repository, not
 * even on a redelivery.
 */
public class ShipTally {

    public static final String SHIP = "ship";
    public static final String CHUNKS = "chunks";
    public static final String NARROW_ROWS = "narrowRows";
    public static final String WIDE_ROWS = "wideRows";

    public HashMap<String, Object> of(ChunkResult result) {
        HashMap<String, Object> tally = new HashMap<>();
        tally.put(SHIP, result.chunk().ship());
        tally.put(CHUNKS, 1L);
        tally.put(NARROW_ROWS, result.narrowRows());
        tally.put(WIDE_ROWS, result.wideRows());
        return tally;
    }

    public Map<String, Object> add(Map<String, Object> tally, Map<String, Object> chunk) {
        if (tally == null) {
            return chunk;
        }
        Map<String, Object> sum = new HashMap<>(tally);
        for (String key : new String[] {CHUNKS, NARROW_ROWS, WIDE_ROWS}) {
            sum.merge(key, chunk.get(key), (a, b) -> (Long) a + (Long) b);
        }
        return sum;
    }
}
