package io.tsmigrator.plan;

import io.tsmigrator.ledger.ChunkLedger;
import io.tsmigrator.ledger.ChunkWindows;
import io.tsmigrator.ledger.PlannedWindows;
import io.tsmigrator.ledger.ProbedRanges;
import io.tsmigrator.ledger.Remigrations;
import io.tsmigrator.ledger.ShipRange;
import io.tsmigrator.source.Discovery;
import io.tsmigrator.source.ReadingProbe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the chunk plan into the ledger. Windows are aligned to multiples of the chunk size (clipped
 * only at {@code migrator.from} and {@code migrator.to}) and never overlap; only windows that hold
 * readings are planned, found by index probes ({@link ReadingProbe}), so the ledger grows with the
 * data, not with the time span. Each ship's probed range is kept in the ledger, and a pass probes
 * only beyond it: the head when the range was widened, the tail as readings arrive.
 * <p>
 * A batch run plans once, up to the window of each ship's last reading. In follow mode every pass
 * plans the windows that ended at least {@code migrator.follow.settle} ago by the source's clock,
 * finds ships that appeared, and turns the source's change marks into re-migrations.
 */
public class ChunkPlanner {

    private static final Logger LOG = LoggerFactory.getLogger(ChunkPlanner.class);
    /** Change marks taken per pass: a burst of changes is worked off over a few passes. */
    static final int MARKS_PER_PASS = 10_000;

    private final Discovery discovery;
    private final ReadingProbe probe;
    private final ChunkLedger ledger;
    private final ProbedRanges probed;
    private final Remigrations remigrations;
    private final ChangeMarks marks;
    private final RunScope scope;
    private final Duration chunkSize;
    private final boolean findNewShips;
    private final Duration settle;
    private volatile boolean planned;

    /**
     * @param findNewShips whether each follow pass looks for ships that appeared (the ships were not configured)
     * @param settle how long a window must have ended before it is planned in follow mode; null for a batch run
     */
    public ChunkPlanner(Discovery discovery, ReadingProbe probe, ChunkLedger ledger, ProbedRanges probed, Remigrations remigrations,
                        ChangeMarks marks, RunScope scope, Duration chunkSize, boolean findNewShips, Duration settle) {
        this.discovery = discovery;
        this.probe = probe;
        this.ledger = ledger;
        this.probed = probed;
        this.remigrations = remigrations;
        this.marks = marks;
        this.scope = scope;
        this.chunkSize = chunkSize;
        this.findNewShips = findNewShips;
        this.settle = settle;
    }

    private boolean following() {
        return settle != null;
    }

    /** One planning pass; returns how many chunks it added. */
    public int plan() throws SQLException {
        if (planned && !following()) {
            return 0;
        }
        clearSettledMarks();
        Instant now = following() ? probe.now() : null;
        if (following() && findNewShips) {
            for (String ship : scope.addShips(discovery.ships())) {
                LOG.info("ship {}: new in the source; following it", ship);
            }
        }
        List<String> ships = List.copyOf(scope.ships());
        Map<String, Instant[]> before = probed.of(ships);
        Map<String, Instant[]> lookedAt = new LinkedHashMap<>();
        List<ShipRange> ranges = probeRanges(ships, before, now, lookedAt);
        PlannedWindows windows = windows(ranges);
        int added = 0;
        for (Map.Entry<String, Integer> e : ledger.plan(windows, probed, lookedAt).entrySet()) {
            if (e.getValue() > 0) {
                LOG.info("ship {}: planned {} new chunks of {}", e.getKey(), e.getValue(), chunkSize);
            }
            added += e.getValue();
        }
        Map<String, Instant[]> after = new HashMap<>(before);
        lookedAt.forEach((ship, range) -> after.merge(ship, range, (a, b) -> new Instant[] {min(a[0], b[0]), max(a[1], b[1])}));
        acceptMarks(after);
        planned = true;
        return added;
    }

    /** What each ship's pass must probe: beyond its probed range, up to its last reading (batch) or the settled past (follow). */
    private List<ShipRange> probeRanges(List<String> ships, Map<String, Instant[]> before, Instant now, Map<String, Instant[]> lookedAt)
            throws SQLException {
        // A run's first pass asks every ship for its first and last reading (an earlier run may have
        // started later than this one); a follow run's later passes ask only ships never probed.
        List<String> unprobed = planned ? ships.stream().filter(s -> !before.containsKey(s)).toList() : ships;
        Map<String, Instant[]> bounds = unprobed.isEmpty() ? Map.of() : discovery.bounds(unprobed);
        Instant settled = following() ? windowStart(now.minus(settle)) : null;
        List<ShipRange> ranges = new ArrayList<>();
        for (String ship : ships) {
            Instant[] done = before.get(ship);
            Instant[] readings = bounds.get(ship);
            if (done == null && readings == null) {
                continue;
            }
            Instant lo = !scope.fromIsOpen() ? scope.from() : readings != null ? windowStart(readings[0]) : done[0];
            Instant hi = following() ? settled : readings == null ? null : windowStart(readings[1]).plus(chunkSize);
            if (hi == null) {
                continue;
            }
            hi = min(hi, scope.to());
            List<ShipRange> mine = new ArrayList<>();
            if (done != null && lo.isBefore(done[0])) {
                mine.add(new ShipRange(ship, lo, min(done[0], hi)));
            }
            Instant tail = done == null ? lo : max(lo, done[1]);
            if (tail.isBefore(hi)) {
                mine.add(new ShipRange(ship, tail, hi));
            }
            if (!mine.isEmpty()) {
                ranges.addAll(mine);
                lookedAt.put(ship, new Instant[] {done == null ? lo : min(lo, done[0]), done == null ? hi : max(hi, done[1])});
            }
        }
        return ranges;
    }

    /** The aligned windows holding readings in the ranges, clipped to the scope, less what the ledger already covers. */
    private PlannedWindows windows(List<ShipRange> ranges) throws SQLException {
        PlannedWindows windows = new PlannedWindows();
        if (ranges.isEmpty()) {
            return windows;
        }
        List<long[]> found = probe.windowsWithReadings(ranges, chunkSize);
        List<List<Instant[]>> gaps = ledger.uncovered(ranges);
        long size = ChunkWindows.micros(chunkSize);
        for (int i = 0; i < ranges.size(); i++) {
            String ship = ranges.get(i).ship();
            List<Instant[]> mine = gaps.get(i);
            long[][] open = new long[mine.size()][];
            for (int g = 0; g < open.length; g++) {
                open[g] = new long[] {ChunkWindows.micros(mine.get(g)[0]), ChunkWindows.micros(mine.get(g)[1])};
            }
            // both ascending: a window's gaps start at the first gap that does not end before it
            int first = 0;
            for (long start : found.get(i)) {
                long end = start + size;
                while (first < open.length && open[first][1] <= start) {
                    first++;
                }
                for (int g = first; g < open.length && open[g][0] < end; g++) {
                    long s = Math.max(start, open[g][0]);
                    long e = Math.min(end, open[g][1]);
                    if (s < e) {
                        windows.add(ship, s, e);
                    }
                }
            }
        }
        return windows;
    }

    /**
     * Puts windows that changed in the source back into the ledger. A mark beyond a ship's probed
     * range needs no re-migration (the window has not been planned yet, the tail's probe will find
     * its readings) and is cleared at once.
     */
    private void acceptMarks(Map<String, Instant[]> probedRanges) throws SQLException {
        List<Remigrations.Mark> waiting = marks.waiting(scope, MARKS_PER_PASS);
        if (waiting.isEmpty()) {
            return;
        }
        List<Remigrations.Mark> unplanned = new ArrayList<>();
        List<Remigrations.Mark> changed = new ArrayList<>();
        for (Remigrations.Mark mark : waiting) {
            Instant[] range = probedRanges.get(mark.ship());
            (range == null || !mark.start().isBefore(range[1]) ? unplanned : changed).add(mark);
        }
        marks.clear(unplanned);
        List<Remigrations.Mark> accepted = remigrations.accept(changed, scope.from(), scope.to(), chunkSize);
        if (!accepted.isEmpty()) {
            LOG.info("{} changed windows in the source go back to the ledger to be migrated again{}", accepted.size(),
                    accepted.size() < changed.size() ? " (" + (changed.size() - accepted.size()) + " more wait for a running chunk)" : "");
        }
    }

    /** Clears the marks of windows migrated again since their change, in the source first: a failure in between only repeats the clearing. */
    private void clearSettledMarks() throws SQLException {
        List<Remigrations.Mark> settled = remigrations.settled();
        if (!settled.isEmpty()) {
            marks.clear(settled);
            remigrations.forget(settled);
        }
    }

    private Instant windowStart(Instant t) {
        long size = ChunkWindows.micros(chunkSize);
        return ChunkWindows.instant(Math.floorDiv(ChunkWindows.micros(t), size) * size);
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
