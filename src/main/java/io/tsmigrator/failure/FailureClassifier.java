package io.tsmigrator.failure;

import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Set;

/**
 * The one place that decides whether a failed chunk is retried, split or dead-lettered, by
 * SQLState and exception type:
 * <ul>
 * <li>transient (retry): class 08 (connection, including pgjdbc's "This connection has been closed"
 * 08003 and I/O errors 08006), 57P01/57P02/57P03 (shutdown, cannot connect now), 57P05 (idle session
 * timeout), 25P03 (idle-in-transaction timeout), 53300 (too many connections), 40001/40P01
 * (serialization failure, deadlock), 55P03 (lock not available), HikariCP's pool timeout, and a
 * read that timed out on a silently dropped connection;</li>
 * <li>too big (split): 57014 (statement timeout, query canceled), and a lost connection after the
 * attempt had run longer than {@code splitAfter}: the signature of a server or network limit on
 * how long work may take, which a retry of the same size would hit again;</li>
 * <li>permanent (dead letter at once): classes 22 (data), 23 (constraint), 42 (syntax, missing
 * object, privilege), 28 (authorization);</li>
 * <li>anything else is unknown: retried, then dead-lettered when the attempts are spent.</li>
 * </ul>
 */
public final class FailureClassifier {

    private static final Set<String> TRANSIENT_STATES = Set.of("57P01", "57P02", "57P03", "57P05", "25P03", "53300", "40001", "40P01", "55P03");
    private static final Set<String> PERMANENT_CLASSES = Set.of("22", "23", "42", "28");

    private final Duration splitAfter;

    /** @param splitAfter attempts that lose their connection after running this long are split */
    public FailureClassifier(Duration splitAfter) {
        this.splitAfter = splitAfter;
    }

    public FailureKind classify(Throwable failure, Duration elapsed) {
        if (failure instanceof PermanentFault) {
            return FailureKind.PERMANENT;
        }
        if (has(failure, SocketTimeoutException.class) || has(failure, SQLTransientConnectionException.class)) {
            return FailureKind.TRANSIENT;
        }
        String state = sqlState(failure);
        if (state == null) {
            return has(failure, java.io.IOException.class) ? lostConnection(elapsed) : FailureKind.UNKNOWN;
        }
        if (state.equals("57014")) {
            return FailureKind.TOO_BIG;
        }
        if (state.startsWith("08")) {
            return lostConnection(elapsed);
        }
        if (TRANSIENT_STATES.contains(state)) {
            return FailureKind.TRANSIENT;
        }
        if (state.length() >= 2 && PERMANENT_CLASSES.contains(state.substring(0, 2))) {
            return FailureKind.PERMANENT;
        }
        return FailureKind.UNKNOWN;
    }

    private FailureKind lostConnection(Duration elapsed) {
        return elapsed.compareTo(splitAfter) >= 0 ? FailureKind.TOO_BIG : FailureKind.TRANSIENT;
    }

    /** The first SQLState in the cause chain, or null. */
    public static String sqlState(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState();
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    private static boolean has(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
