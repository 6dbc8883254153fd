package io.tsmigrator.ledger;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class ChunkWindowsTest {

    @Test
    void windowsAreAlignedToTheChunkSizeAndClippedToTheRange() {
        List<Instant[]> windows = ChunkWindows.cut(Instant.parse("2024-01-01T00:10:00.5Z"), Instant.parse("2024-01-01T02:30:00Z"), Duration.ofHours(1));

        assertEquals(3, windows.size());
        assertEquals(Instant.parse("2024-01-01T00:10:00.5Z"), windows.get(0)[0]);
        assertEquals(Instant.parse("2024-01-01T01:00:00Z"), windows.get(0)[1]);
        assertEquals(Instant.parse("2024-01-01T01:00:00Z"), windows.get(1)[0]);
        assertEquals(Instant.parse("2024-01-01T02:00:00Z"), windows.get(2)[0]);
        assertEquals(Instant.parse("2024-01-01T02:30:00Z"), windows.get(2)[1]);
    }

    @Test
    void anEmptyRangeHasNoWindowAndTheMiddleRespectsTheMinimum() {
        Instant t = Instant.parse("2024-01-01T00:00:00Z");
        assertEquals(0, ChunkWindows.cut(t, t, Duration.ofHours(1)).size());
        assertEquals(Instant.parse("2024-01-01T00:30:00Z"), ChunkWindows.middle(t, t.plus(Duration.ofHours(1)), Duration.ofMinutes(30)));
        assertNull(ChunkWindows.middle(t, t.plus(Duration.ofMinutes(59)), Duration.ofMinutes(30)));
    }

    @Test
    void microsecondsSurviveTheRoundTrip() {
        Instant t = Instant.parse("2024-03-01T00:00:00.123456Z");
        assertEquals(t, ChunkWindows.instant(ChunkWindows.micros(t)));
    }
}
