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
import java.util.List;

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

    /** Plans every ship of the scope; returns how many chunks were added. */
    public int plan() throws SQLException {
        int added = 0;
        for (String ship : scope.ships()) {
            int n = ledger.plan(ship, windowsFor(ship));
            if (n > 0) {
                LOG.info("ship {}: planned {} new chunks of {}", ship, n, chunkSize);
            }
            added += n;
        }
        return added;
    }

    /** The new windows of one ship; empty when it has nothing left to plan. */
    public List<Instant[]> windowsFor(String ship) throws SQLException {
        Instant[] range = scope.range(discovery.bounds(ship));
        if (range == null) {
            return List.of();
        }
        List<Instant[]> windows = new ArrayList<>();
        for (Instant[] gap : ledger.uncovered(ship, range[0], range[1])) {
            windows.addAll(ChunkWindows.cut(gap[0], gap[1], chunkSize));
        }
        return windows;
    }
}
