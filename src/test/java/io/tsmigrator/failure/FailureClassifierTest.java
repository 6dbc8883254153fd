package io.tsmigrator.failure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FailureClassifierTest {

    private final FailureClassifier classifier = new FailureClassifier(Duration.ofMinutes(5));

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "08003, TRANSIENT", "08006, TRANSIENT", "08001, TRANSIENT",
            "57P01, TRANSIENT", "57P02, TRANSIENT", "57P03, TRANSIENT", "57P05, TRANSIENT", "25P03, TRANSIENT",
            "53300, TRANSIENT", "40001, TRANSIENT", "40P01, TRANSIENT", "55P03, TRANSIENT",
            "57014, TOO_BIG",
            "22003, PERMANENT", "23505, PERMANENT", "23514, PERMANENT", "42P01, PERMANENT", "42501, PERMANENT", "28P01, PERMANENT",
            "53100, UNKNOWN", "XX000, UNKNOWN", "0A000, UNKNOWN"
    })
    void classifiesBySqlState(String state, FailureKind expected) {
        assertEquals(expected, classifier.classify(new SQLException("boom", state), Duration.ofSeconds(1)));
    }

    @Test
    void aConnectionLostAfterRunningLongerThanSplitAfterMeansTooBig() {
        SQLException closed = new SQLException("This connection has been closed.", "08003");
        assertEquals(FailureKind.TRANSIENT, classifier.classify(closed, Duration.ofMinutes(4)));
        assertEquals(FailureKind.TOO_BIG, classifier.classify(closed, Duration.ofMinutes(5)));
        assertEquals(FailureKind.TOO_BIG, classifier.classify(new RuntimeException(new IOException("reset")), Duration.ofMinutes(6)));
    }

    @Test
    void poolTimeoutsAndReadTimeoutsAreTransientWhateverTheElapsedTime() {
        assertEquals(FailureKind.TRANSIENT, classifier.classify(
                new SQLTransientConnectionException("HikariPool-1 - Connection is not available, request timed out after 30003ms"), Duration.ofHours(3)));
        assertEquals(FailureKind.TRANSIENT, classifier.classify(
                new SQLException("An I/O error occurred while sending to the backend.", "08006", new SocketTimeoutException("Read timed out")),
                Duration.ofHours(3)));
    }

    @Test
    void theSqlStateIsFoundDownTheCauseChainAndOwnFaultsArePermanent() {
        assertEquals(FailureKind.PERMANENT, classifier.classify(new IllegalStateException(new SQLException("x", "23505")), Duration.ZERO));
        assertEquals("23505", FailureClassifier.sqlState(new RuntimeException(new SQLException("x", "23505"))));
        assertEquals(FailureKind.PERMANENT, classifier.classify(new PermanentFault("channel 7 has no column"), Duration.ZERO));
        assertEquals(FailureKind.UNKNOWN, classifier.classify(new IllegalStateException("?"), Duration.ZERO));
    }
}
