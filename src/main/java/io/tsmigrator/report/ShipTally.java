package io.tsmigrator.report;

import io.tsmigrator.migrate.ChunkResult;

import java.util.HashMap;
import java.util.Set;
import java.util.TreeSet;
import java.util.Map;

/**
 * The aggregator's tally of finished chunks: {@link #of} turns a finished chunk into a one-chunk
 * tally and {@link #add} merges two. A tally is the set of ships that finished a chunk since the
 * last one completed: what the aggregator holds until it asks the ledger which of them are done.
 */
public class ShipTally {

    public static final String SHIPS = "ships";

    public HashMap<String, Object> of(ChunkResult result) {
        HashMap<String, Object> tally = new HashMap<>();
        tally.put(SHIPS, new TreeSet<>(Set.of(result.chunk().ship())));
        return tally;
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> add(Map<String, Object> tally, Map<String, Object> chunk) {
        if (tally == null) {
            return chunk;
        }
        ((Set<String>) tally.get(SHIPS)).addAll((Set<String>) chunk.get(SHIPS));
        return tally;
    }

    @SuppressWarnings("unchecked")
    static Set<String> ships(Map<String, Object> tally) {
        return (Set<String>) tally.get(SHIPS);
    }
}
