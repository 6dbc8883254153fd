package io.tsmigrator.ledger;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The chunks this process has in hand: claimed and not yet through an attempt (waiting in the
 * claims or the chunk queue, or being read, pivoted and written). Their leases are renewed. An
 * attempt's end lets go of the chunk: a chunk to be retried is held by the lease its failure's
 * record extended, and taken in hand again by its next attempt. A chunk the ledger says this
 * process holds but which is not here (a claim whose reply was lost with its connection, a chunk
 * whose bookkeeping failed) lets its lease expire and is claimed again, instead of being kept alive
 * by a process that forgot it.
 */
public final class InFlightChunks {

    // How many times each chunk is in hand: a chunk claimed again (after its lease ran out) may be
    // in hand twice for a moment, and the first attempt's end must not let go of the second claim.
    private final Map<Long, Integer> ids = new ConcurrentHashMap<>();

    public void add(long chunkId) {
        ids.merge(chunkId, 1, Integer::sum);
    }

    public void remove(long chunkId) {
        ids.computeIfPresent(chunkId, (id, n) -> n > 1 ? n - 1 : null);
    }

    public Long[] snapshot() {
        return ids.keySet().toArray(Long[]::new);
    }
}
