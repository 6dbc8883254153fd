package io.tsmigrator.plan;

import io.tsmigrator.ledger.ChunkWindows;
import io.tsmigrator.ledger.ChunkLedger;
import io.tsmigrator.source.Discovery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the chunk plan into the ledger. For each ship the range to migrate is [from, to) within
 * its readings (first reading to last reading inclusive when open); only the parts not yet covered
 * by planned windows are cut into new chunks, so planning is idempotent and a later run with a wider
 * range (or new data) plans just what is new: the head, the tail or a hole in between.
 */
public class ChunkPlanner {

    private static final Logger LOG = LoggerFactory.getLogger(ChunkPlanner.class);

    private final Discovery discovery;
    private final ChunkLedger ledger;
    private final RunScope scope;
    private final Duration chunkSize;

    public ChunkPlanner(Discovery discovery, ChunkLedger ledger, RunScope scope, Duration chunkSize) {
        this.discovery = discovery;
        this.ledger = ledger;
        this.scope = scope;
        this.chunkSize = chunkSize;
    }

    /**
     * Plans every ship of the scope; returns how many chunks were added. A pass costs three queries
     * whatever the number of ships (bounds, gaps, inserts), which matters because every planning tick
     * of a run makes one, and on a far database each query is a round trip.
     */
    public int plan() throws SQLException {
        Map<String, Instant[]> bounds = discovery.bounds(scope.ships());
        Map<String, Instant[]> ranges = new LinkedHashMap<>();
        for (String ship : scope.ships()) {
            Instant[] range = scope.range(bounds.get(ship));
            if (range != null) {
                ranges.put(ship, range);
            }
        }
        Map<String, List<Instant[]>> windows = new LinkedHashMap<>();
        ledger.uncovered(ranges).forEach((ship, gaps) -> {
            for (Instant[] gap : gaps) {
                windows.computeIfAbsent(ship, s -> new ArrayList<>()).addAll(ChunkWindows.cut(gap[0], gap[1], chunkSize));
            }
        });
        int added = 0;
        for (Map.Entry<String, Integer> e : ledger.plan(windows).entrySet()) {
            if (e.getValue() > 0) {
                LOG.info("ship {}: planned {} new chunks of {}", e.getKey(), e.getValue(), chunkSize);
            }
            added += e.getValue();
        }
        return added;
    }
}
