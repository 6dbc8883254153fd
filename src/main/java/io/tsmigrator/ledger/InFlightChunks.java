package io.tsmigrator.ledger;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The chunks this process is working on right now: in an attempt (read, pivot, write). Only their
 * leases are renewed. A chunk the ledger says this process holds but which is not here (a
 * claim whose reply was lost with its connection, a chunk whose bookkeeping failed) lets its lease
 * expire and is claimed again, instead of being kept alive by a process that forgot it.
 */
public final class InFlightChunks {

    private final Set<Long> ids = ConcurrentHashMap.newKeySet();

    public void add(long chunkId) {
        ids.add(chunkId);
    }

    public void remove(long chunkId) {
        ids.remove(chunkId);
    }

    public Long[] snapshot() {
        return ids.toArray(Long[]::new);
    }
}
