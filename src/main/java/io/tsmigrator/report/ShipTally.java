package io.tsmigrator.report;

import io.tsmigrator.migrate.ChunkResult;

import java.util.HashMap;
import java.util.Map;

/**
 * The per-ship aggregator's tallies: {@link #of} turns a finished chunk into a one-chunk tally and
 * {@link #add} merges two. A tally is a plain map of strings and longs: what the aggregator holds
 * per ship until it completes.
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
