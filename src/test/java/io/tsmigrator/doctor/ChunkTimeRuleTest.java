package io.tsmigrator.doctor;

import io.tsmigrator.config.Settings;
import io.tsmigrator.failure.ChunkTimeLimits;
import io.tsmigrator.failure.FailureClassifier;
import io.tsmigrator.failure.FailureKind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The run's split decision and doctor's chunk-size advice follow one rule: a chunk of the size
 * doctor recommends (its read and pivot at the target, the write as long again) ends before the
 * run would take a lost connection for a limit and split it.
 */
class ChunkTimeRuleTest {

    private static final SQLException CONNECTION_LOST = new SQLException("An I/O error occurred while sending to the backend.", "08006");

    @ParameterizedTest(name = "socket {0}, max-lifetime {1}")
    @CsvSource({
            "PT5M, PT25M", // the defaults: socket-timeout is the smallest
            "PT0S, PT30M", // the migrator's own statement timeout (15 min) is
            "PT0S, PT3M",
            "PT40S, PT30M"})
    void aChunkDoctorRecommendsIsNeverSplitByTheRun(String socket, String lifetime) {
        Settings settings = settings(socket, lifetime);
        ChunkTimeLimits run = ChunkTimeLimits.of(settings);
        ChunkTimeLimits doctor = ChunkLimits.of(settings, List.of());
        FailureClassifier classifier = new FailureClassifier(run.splitAfter());

        assertEquals(run.smallest(), doctor.smallest(), "both see the same smallest limit");
        // 1 M narrow rows per hour of data, read and pivoted at 100 k rows/s
        ChunkSizeAdvisor.Recommendation advice = ChunkSizeAdvisor.advise(1_000_000, Duration.ofHours(1), 100_000, doctor, Duration.ofSeconds(1));
        Duration wholeChunk = advice.estimate().multipliedBy(2);

        assertEquals(FailureKind.TRANSIENT, classifier.classify(CONNECTION_LOST, wholeChunk),
                "a chunk of " + advice.chunkSize() + " takes ~" + wholeChunk + "; the run splits after " + run.splitAfter());
        assertEquals(FailureKind.TOO_BIG, classifier.classify(CONNECTION_LOST, run.splitAfter()));
    }

    private static Settings settings(String socket, String lifetime) {
        Map<String, String> values = new HashMap<>(Settings.DEFAULTS);
        values.put(Settings.SOCKET_TIMEOUT, socket);
        values.put(Settings.POOL_MAX_LIFETIME, lifetime);
        return new Settings(values);
    }
}
