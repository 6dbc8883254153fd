package io.tsmigrator.report;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FixedCutoffTest {

    @Test
    void findsTheOldToolsSignature() {
        List<Long> elapsed = new ArrayList<>();
        for (int i = 0; i < 42; i++) {
            elapsed.add(8_126_460L + (i % 7) * 9_000L - 27_000L);
        }
        for (int i = 0; i < 48; i++) {
            elapsed.add(950_270L + i * 150_000L);
        }

        FixedCutoff.Signature s = FixedCutoff.find(elapsed).orElseThrow();

        assertTrue(s.count() >= 42, "count " + s.count());
        assertEquals(90, s.total());
        assertEquals(8126, Math.round(s.seconds()), 30);
        assertTrue(s.describe().startsWith(s.count() + " of 90 failed attempts ended after 81"), s.describe());
    }

    @Test
    void scatteredOrFewFailuresHaveNoSignature() {
        assertTrue(FixedCutoff.find(List.of(1_000L, 2_000L, 4_000L, 8_000L, 16_000L, 32_000L)).isEmpty());
        assertTrue(FixedCutoff.find(List.of(5_000L, 5_001L)).isEmpty());
        assertTrue(FixedCutoff.find(List.of()).isEmpty());
    }
}
