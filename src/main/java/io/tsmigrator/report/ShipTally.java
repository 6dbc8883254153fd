package io.tsmigrator.report;

import io.tsmigrator.migrate.ChunkResult;

import java.util.Set;
import java.util.TreeSet;

/**
 * The aggregator's tally of finished chunks: {@link #of} turns a finished chunk into a one-chunk
 * tally and {@link #add} merges two. A tally is the set of ships that finished a chunk since the
 * last one completed: what the aggregator holds until it asks the ledger which of them are done.
 */
public class ShipTally {

    public Set<String> of(ChunkResult result) {
        Set<String> ships = new TreeSet<>();
        ships.add(result.chunk().ship());
        return ships;
    }

    public Set<String> add(Set<String> tally, Set<String> chunk) {
        if (tally == null) {
            return chunk;
        }
        tally.addAll(chunk);
        return tally;
    }
}
