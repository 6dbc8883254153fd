package io.tsmigrator.observe;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class EtaTest {

    @Test
    void unknownUntilEnoughChunksOverEnoughTime() {
        assertNull(Eta.of(100, 4, Duration.ofMinutes(1)), "four chunks are too few");
        assertNull(Eta.of(100, 50, Duration.ofSeconds(9)), "nine seconds are too short");
        assertNull(Eta.of(100, 0, null), "nothing finished yet");
    }

    @Test
    void remainingChunksAtTheRecentPace() {
        // 20 chunks in 40 s: 2 s a chunk, 30 chunks left
        assertEquals(Duration.ofSeconds(60), Eta.of(30, 20, Duration.ofSeconds(40)));
        assertEquals(Duration.ZERO, Eta.of(0, 0, null), "nothing left is known to take no time");
    }

    @Test
    void durationsReadLikeAClock() {
        assertEquals("45s", ProgressLine.duration(Duration.ofSeconds(45)));
        assertEquals("12m05s", ProgressLine.duration(Duration.ofSeconds(725)));
        assertEquals("3h07m", ProgressLine.duration(Duration.ofMinutes(187)));
        assertEquals("2d04h", ProgressLine.duration(Duration.ofHours(52)));
    }
}
