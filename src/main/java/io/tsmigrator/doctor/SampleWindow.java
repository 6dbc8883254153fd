package io.tsmigrator.doctor;

import io.tsmigrator.ledger.Chunk;
import io.tsmigrator.ledger.ChunkWindows;
import io.tsmigrator.plan.PlanPreview;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The chunk the doctor examines: a real window of the ship whose readings are densest by the
 * planner's statistics (its chunks take longest), cut as a run cuts it, a whole-length one from the
 * middle of the ship's range where there is one, so that its rows stand for a full chunk.
 */
record SampleWindow(String ship, Instant start, Instant end) {

    static Optional<SampleWindow> choose(List<PlanPreview.ShipPlan> plans, Duration chunkSize) {
        PlanPreview.ShipPlan densest = null;
        double best = -1;
        for (PlanPreview.ShipPlan p : plans) {
            if (p.first() == null) {
                continue;
            }
            double density = p.estimatedRows() / Math.max(Duration.between(p.first(), p.last()).toMillis(), 1.0);
            if (density > best) {
                best = density;
                densest = p;
            }
        }
        if (densest == null) {
            return Optional.empty();
        }
        List<Instant[]> windows = ChunkWindows.cut(densest.first(), densest.last(), chunkSize);
        List<Instant[]> whole = windows.stream().filter(w -> Duration.between(w[0], w[1]).equals(chunkSize)).toList();
        Instant[] chosen = whole.isEmpty()
                ? windows.stream().max((a, b) -> Duration.between(a[0], a[1]).compareTo(Duration.between(b[0], b[1]))).orElseThrow()
                : whole.get(whole.size() / 2);
        return Optional.of(new SampleWindow(densest.ship(), chosen[0], chosen[1]));
    }

    Duration length() {
        return Duration.between(start, end);
    }

    /** The first {@code share} of this window, at least a second long. */
    SampleWindow head(double share) {
        long micros = Math.max(1_000_000L, (long) (length().toNanos() / 1000 * share));
        Instant cut = ChunkWindows.instant(ChunkWindows.micros(start) + micros);
        return new SampleWindow(ship, start, cut.isBefore(end) ? cut : end);
    }

    String describe() {
        return new Chunk(0, ship, start, end, 0).describe();
    }
}
