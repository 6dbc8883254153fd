package io.tsmigrator.doctor;

import io.tsmigrator.failure.ChunkTimeLimits;
import io.tsmigrator.failure.ChunkTimeLimits.Limit;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The chunk size rule: the largest usual size estimated under 25 % of the smallest limit (strictly: a chunk at the target would end on the run's split point), and never over a minute. */
class ChunkSizeAdvisorTest {

    private static final Duration HOUR = Duration.ofHours(1);
    private static final Duration MINUTE = Duration.ofMinutes(1);

    @Test
    void theLargestSizeUnderAQuarterOfTheSmallestLimit() {
        ChunkTimeLimits limits = limits(new Limit("migrator.pool.max-lifetime", Duration.ofMinutes(25)), new Limit("statement_timeout (ALTER ROLE)", Duration.ofSeconds(5)));

        // 1 M rows per hour at 1 M rows/s: an hour takes 1 s (under 1.25 s), two hours 2 s
        ChunkSizeAdvisor.Recommendation r = ChunkSizeAdvisor.advise(1_000_000, HOUR, 1_000_000, limits, MINUTE);

        assertEquals(HOUR, r.chunkSize());
        assertEquals(Duration.ofSeconds(1), r.estimate());
        assertEquals(Duration.ofMillis(1250), r.target().duration());
        assertEquals("statement_timeout (ALTER ROLE)", r.target().smallest().name());
        assertEquals(Verdict.OK, ChunkSizeAdvisor.finding(r).verdict());
    }

    @Test
    void neverMoreThanAMinuteOfWorkPerChunk() {
        ChunkTimeLimits limits = limits(new Limit("migrator.pool.max-lifetime", Duration.ofMinutes(25)));

        // 10 M rows per hour at 1 M rows/s: 10 s per hour of data; a minute allows 6 hours
        ChunkSizeAdvisor.Recommendation r = ChunkSizeAdvisor.advise(100_000_000, HOUR, 1_000_000, limits, MINUTE);

        assertEquals(MINUTE, r.target().duration());
        assertTrue(r.target().reason().startsWith("a minute: a failed attempt repeats its whole chunk"), r.target().reason());
        assertEquals(Duration.ofMinutes(30), r.chunkSize());
        assertEquals(Verdict.WARN, ChunkSizeAdvisor.finding(r).verdict(), "PT1H takes 100 s, more than a minute");
    }

    @Test
    void aConfiguredSizeOverTheLimitIsAWarningWithTheRecommendation() {
        ChunkTimeLimits limits = limits(new Limit("statement_timeout (ALTER DATABASE)", Duration.ofSeconds(5)));

        ChunkSizeAdvisor.Recommendation r = ChunkSizeAdvisor.advise(10_000_000, HOUR, 1_000_000, limits, MINUTE);
        Finding f = ChunkSizeAdvisor.finding(r);

        assertEquals(Duration.ofMinutes(5), r.chunkSize(), "5 min of data read in 0.83 s");
        assertEquals(Verdict.WARN, f.verdict());
        assertTrue(f.advice().startsWith("longer than statement_timeout (ALTER DATABASE) 5 s: such chunks are cut off and split"), f.advice());
        assertTrue(f.advice().contains("recommended migrator.chunk-size=PT5M"), f.advice());
    }

    @Test
    void noSizeSmallerThanTheMinimumAndAFailWhenEvenThatExceedsTheLimit() {
        ChunkTimeLimits limits = limits(new Limit("statement_timeout (ALTER DATABASE)", Duration.ofSeconds(5)));

        ChunkSizeAdvisor.Recommendation tight = ChunkSizeAdvisor.advise(200_000_000, HOUR, 1_000_000, limits, MINUTE);
        ChunkSizeAdvisor.Recommendation impossible = ChunkSizeAdvisor.advise(1_000_000_000, HOUR, 1_000_000, limits, MINUTE);

        assertEquals(MINUTE, tight.chunkSize(), "a minute of data takes 3.3 s: over the target, under the limit");
        assertTrue(tight.withinLimit());
        assertEquals(MINUTE, impossible.chunkSize());
        assertFalse(impossible.withinLimit(), "a minute of data takes 16.7 s, over 5 s");
        assertEquals(Verdict.FAIL, ChunkSizeAdvisor.finding(impossible).verdict());
    }

    private static ChunkTimeLimits limits(Limit... limits) {
        return new ChunkTimeLimits(List.of(limits));
    }
}
