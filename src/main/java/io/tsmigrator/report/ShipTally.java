package io.tsmigrator.report;

import io.tsmigrator.migrate.ChunkResult;

import java.util.HashMap;
import java.util.Map;

/**
 * The per-ship aggregator's strategy: adds a finished chunk to its ship's running tally. The tally
 * is a plain {@code HashMap} of strings and longs because the JDBC aggregation repository persists
 * it with Java serialization and only admits {@code java.*} classes.
 */
public class ShipTally {

    public static final String SHIP = "ship";
    public static final String CHUNKS = "chunks";
    public static final String NARROW_ROWS = "narrowRows";
    public static final String WIDE_ROWS = "wideRows";

    public Map<String, Object> add(Map<String, Object> tally, ChunkResult result) {
        Map<String, Object> next = tally == null ? new HashMap<>() : new HashMap<>(tally);
        next.put(SHIP, result.chunk().ship());
        next.merge(CHUNKS, 1L, (a, b) -> (Long) a + (Long) b);
        next.merge(NARROW_ROWS, result.narrowRows(), (a, b) -> (Long) a + (Long) b);
        next.merge(WIDE_ROWS, result.wideRows(), (a, b) -> (Long) a + (Long) b);
        return next;
    }
}
