package io.tsmigrator.observe;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReadBudgetTest {

    private static final long MS = 1_000_000L;

    @Test
    void aQuickReadIsRepeatedAfterItsMaximumAge() {
        ReadBudget budget = new ReadBudget();
        assertTrue(budget.due(0, Duration.ofSeconds(1)), "nothing read yet");
        budget.reading(0, 5 * MS);
        assertFalse(budget.due(900 * MS, Duration.ofSeconds(1)));
        assertTrue(budget.due(1_001 * MS, Duration.ofSeconds(1)));
    }

    @Test
    void aSlowReadWaitsTwentyTimesAsLongAsItTook() {
        ReadBudget budget = new ReadBudget();
        budget.reading(0, 500 * MS);
        assertFalse(budget.due(5_000 * MS, Duration.ofSeconds(1)), "a 0.5 s read is not repeated after 5 s");
        assertTrue(budget.due(10_001 * MS, Duration.ofSeconds(1)));
    }
}
