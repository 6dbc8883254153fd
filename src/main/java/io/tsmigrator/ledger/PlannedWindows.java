package io.tsmigrator.ledger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Windows to plan, kept as runs of abutting windows of one length per ship: (first start, length,
 * how many), in microseconds since the epoch (the ledger's precision). A planned calendar is a few
 * runs per ship however many windows it has, so a million windows cost neither a million objects
 * here nor a million parameters or rows on the way to the ledger, which expands the runs itself.
 */
public final class PlannedWindows {

    final List<String> ships = new ArrayList<>();
    long[] firsts = new long[16];
    long[] steps = new long[16];
    long[] counts = new long[16];

    /** Adds a window after the ones added before it (a window that continues the last run extends it). */
    public void add(String ship, long startMicros, long endMicros) {
        long step = endMicros - startMicros;
        int last = ships.size() - 1;
        if (last >= 0 && steps[last] == step && firsts[last] + step * counts[last] == startMicros && ships.get(last).equals(ship)) {
            counts[last]++;
            return;
        }
        if (ships.size() == firsts.length) {
            firsts = Arrays.copyOf(firsts, firsts.length * 2);
            steps = Arrays.copyOf(steps, steps.length * 2);
            counts = Arrays.copyOf(counts, counts.length * 2);
        }
        firsts[ships.size()] = startMicros;
        steps[ships.size()] = step;
        counts[ships.size()] = 1;
        ships.add(ship);
    }

    public void add(String ship, Instant start, Instant end) {
        add(ship, ChunkWindows.micros(start), ChunkWindows.micros(end));
    }

    public boolean isEmpty() {
        return ships.isEmpty();
    }

    int runs() {
        return ships.size();
    }
}
