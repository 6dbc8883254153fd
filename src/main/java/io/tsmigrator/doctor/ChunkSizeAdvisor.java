package io.tsmigrator.doctor;

import io.tsmigrator.config.Settings;
import io.tsmigrator.failure.ChunkTimeLimits;
import io.tsmigrator.failure.ChunkTimeLimits.Limit;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Picks the chunk size: the largest of the usual window lengths whose estimated duration stays
 * under a target, from the rows a chunk holds (planner statistics) and the measured rate of reading
 * and pivoting them. The target is the run's own rule ({@link ChunkTimeLimits#readTarget}): the
 * measurement covers reading and pivoting, about half of a chunk's work, and is aimed at half of
 * the point after which the run splits a chunk that lost its connection. Sizes divide a day (chunk
 * windows are aligned to multiples of the size) and stop at 6 hours.
 */
final class ChunkSizeAdvisor {

    static final List<Duration> SIZES = List.of(Duration.ofHours(6), Duration.ofHours(3), Duration.ofHours(2), Duration.ofHours(1),
            Duration.ofMinutes(30), Duration.ofMinutes(20), Duration.ofMinutes(15), Duration.ofMinutes(10), Duration.ofMinutes(5),
            Duration.ofMinutes(2), Duration.ofMinutes(1), Duration.ofSeconds(30), Duration.ofSeconds(20), Duration.ofSeconds(15),
            Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofSeconds(1));

    /** How long a chunk should take at most, and why. */
    record Target(Duration duration, Limit smallest, String reason) {
    }

    /**
     * @param chunkSize the recommended size
     * @param estimate its estimated time to read and pivot
     * @param configuredEstimate the same for {@code migrator.chunk-size}
     * @param withinLimit false when even the smallest allowed size is estimated over the smallest limit
     */
    record Recommendation(Duration chunkSize, Duration estimate, Target target, Duration configured, Duration configuredEstimate,
                          double rowsPerChunk, double rowsPerSecond, boolean withinLimit) {
    }

    private ChunkSizeAdvisor() {
    }

    static Target target(ChunkTimeLimits limits) {
        Limit smallest = limits.smallest();
        Duration target = limits.readTarget();
        String share = ChunkTimeLimits.readTargetPercent() + " % of the smallest limit, " + ChunkLimits.describe(smallest);
        if (target.equals(ChunkTimeLimits.CEILING)) {
            return new Target(target, smallest, "a minute: a failed attempt repeats its whole chunk, and " + share + ", would be more");
        }
        return new Target(target, smallest, Durations.human(target) + " = " + share);
    }

    /**
     * @param rowsPerChunk narrow rows in a chunk of {@code configured} length
     * @param rowsPerSecond measured narrow rows read and pivoted per second
     */
    static Recommendation advise(double rowsPerChunk, Duration configured, double rowsPerSecond, ChunkTimeLimits limits, Duration minChunk) {
        Target target = target(limits);
        double rowsPerSecondOfData = rowsPerChunk / seconds(configured);
        Duration chosen = null;
        for (Duration size : SIZES) {
            if (size.compareTo(minChunk) >= 0 && estimate(size, rowsPerSecondOfData, rowsPerSecond).compareTo(target.duration()) < 0) {
                chosen = size;
                break;
            }
        }
        boolean within = true;
        if (chosen == null) {
            chosen = minChunk;
            within = estimate(minChunk, rowsPerSecondOfData, rowsPerSecond).compareTo(target.smallest().value()) <= 0;
        }
        return new Recommendation(chosen, estimate(chosen, rowsPerSecondOfData, rowsPerSecond), target, configured,
                estimate(configured, rowsPerSecondOfData, rowsPerSecond), rowsPerChunk, rowsPerSecond, within);
    }

    static Finding finding(Recommendation r) {
        String check = "chunk size";
        String value = String.format(Locale.ROOT, "%s=%s: ~%,d narrow rows per chunk, ~%s to read and pivot", Settings.CHUNK_SIZE,
                r.configured(), Math.round(r.rowsPerChunk()), Durations.human(r.configuredEstimate()));
        String recommended = "recommended " + Settings.CHUNK_SIZE + "=" + r.chunkSize() + ": ~" + Durations.human(r.estimate())
                + " each, under the target of " + r.target().reason();
        if (!r.withinLimit()) {
            return Finding.fail(check, value, "even chunks of " + Settings.MIN_CHUNK_SIZE + "=" + r.chunkSize() + " take ~"
                    + Durations.human(r.estimate()) + ", longer than " + ChunkLimits.describe(r.target().smallest())
                    + ": they will be cut off and dead-lettered; raise that limit");
        }
        Limit smallest = r.target().smallest();
        if (r.configuredEstimate().compareTo(smallest.value()) > 0) {
            return Finding.warn(check, value, "longer than " + ChunkLimits.describe(smallest) + ": such chunks are cut off and split in halves,"
                    + " each split costing a failed attempt; " + recommended);
        }
        if (r.configuredEstimate().compareTo(r.target().duration()) > 0) {
            return Finding.warn(check, value, "closer to the smallest limit than the margin allows; " + recommended);
        }
        return Finding.ok(check, value, recommended);
    }

    private static Duration estimate(Duration size, double rowsPerSecondOfData, double rowsPerSecond) {
        return Duration.ofNanos((long) (rowsPerSecondOfData * seconds(size) / rowsPerSecond * 1e9));
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }
}
