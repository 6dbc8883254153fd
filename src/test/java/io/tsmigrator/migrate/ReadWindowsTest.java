package io.tsmigrator.migrate;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Read windows tile the chunk without gap or overlap, shrink when dense and grow back to their base. */
class ReadWindowsTest {

    private static final Instant START = Instant.parse("2024-03-01T00:00:00Z");

    @Test
    void hourWindowsTileASixHourChunkOnTheHour() {
        List<Instant[]> windows = cut(START.plusSeconds(1800), START.plus(Duration.ofHours(6)), ReadWindows.BASE, 93, 3600);

        assertEquals(6, windows.size(), "the half hour up to the first full hour, then five hours");
        assertTiles(windows, START.plusSeconds(1800), START.plus(Duration.ofHours(6)));
        assertEquals(START.plus(Duration.ofHours(1)), windows.get(0)[1]);
    }

    @Test
    void aDenseWindowHalvesTheNextAndSparseOnesGrowBackToTheBase() {
        int channels = 93;
        int maxRows = ReadWindows.MAX_CELLS / channels;
        ReadWindows cut = new ReadWindows(START, START.plus(Duration.ofHours(4)), channels, ReadWindows.BASE);
        List<Duration> sizes = new ArrayList<>();
        List<Instant[]> windows = new ArrayList<>();
        int dense = 1;
        while (cut.hasNext()) {
            Instant[] w = cut.next();
            windows.add(w);
            sizes.add(Duration.between(w[0], w[1]));
            cut.observed(dense-- > 0 ? maxRows + 1 : 10);
        }

        assertEquals(List.of(Duration.ofHours(1), Duration.ofMinutes(30), Duration.ofMinutes(30), Duration.ofHours(1), Duration.ofHours(1)),
                sizes);
        assertTiles(windows, START, START.plus(Duration.ofHours(4)));
    }

    private static List<Instant[]> cut(Instant start, Instant end, Duration base, int channels, int rowsEach) {
        ReadWindows cut = new ReadWindows(start, end, channels, base);
        List<Instant[]> windows = new ArrayList<>();
        while (cut.hasNext()) {
            windows.add(cut.next());
            cut.observed(rowsEach);
        }
        return windows;
    }

    private static void assertTiles(List<Instant[]> windows, Instant start, Instant end) {
        Instant at = start;
        for (Instant[] w : windows) {
            assertEquals(at, w[0], "each window starts where the last ended");
            at = w[1];
        }
        assertEquals(end, at);
    }
}
