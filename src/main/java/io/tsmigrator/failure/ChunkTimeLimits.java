package io.tsmigrator.failure;

import io.tsmigrator.config.Settings;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The one rule on how long a chunk may work, used by the run's split decision
 * ({@link FailureClassifier}) and by {@code doctor}'s chunk-size advice. The limits:
 * <ul>
 * <li>the statement timeout in force in the migrator's sessions ({@link Settings#STATEMENT_TIMEOUT},
 * or a shorter one the server sets, which {@code doctor} reads); a chunk's COPY into the wide table
 * is one statement;</li>
 * <li>{@code migrator.db.socket-timeout}: a statement that sends nothing for this long ends its attempt;</li>
 * <li>{@code migrator.pool.max-lifetime}: set just below the infrastructure's limit on connection
 * age, which the database cannot report.</li>
 * </ul>
 * Not limits on chunk length: the idle-in-transaction timeout (a chunk's write transaction keeps
 * its COPY open from start to commit, so it is never idle) and {@code idle_session_timeout}.
 * <p>
 * A connection lost after {@link #SPLIT_SHARE} of the smallest limit is taken for such a limit, and
 * the chunk is split ({@link #splitAfter}). {@code doctor} aims a chunk's read and pivot, about half
 * of its work, at half that point ({@link #readTarget}), so a chunk it recommends ends well before
 * the run would split it.
 */
public record ChunkTimeLimits(List<Limit> limits) {

    /** A limit on how long a chunk's attempt may work, named by where it comes from. */
    public record Limit(String name, Duration value) {
    }

    /** The share of the smallest limit after which a lost connection splits the chunk. */
    public static final double SPLIT_SHARE = 0.5;
    /** The share of the split point a chunk's read and pivot should take: the write is the other half. */
    public static final double READ_SHARE = 0.5;
    /** A failed attempt repeats its whole chunk: no chunk should be aimed at more than a minute's work. */
    public static final Duration CEILING = Duration.ofMinutes(1);

    /** The statement timeout the migrator sets in its own sessions, when the server sets none lower. */
    public static final Limit OWN_STATEMENT_TIMEOUT = new Limit("the migrator's statement_timeout", Settings.STATEMENT_TIMEOUT);

    public ChunkTimeLimits {
        limits = List.copyOf(limits);
        if (limits.isEmpty()) {
            throw new IllegalArgumentException("no limit");
        }
    }

    /** The limits a run knows: its own settings. */
    public static ChunkTimeLimits of(Settings settings) {
        return of(settings, List.of());
    }

    /**
     * @param statementTimeouts the statement timeouts in force on the servers, when read from them;
     *                          empty: the migrator's own
     */
    public static ChunkTimeLimits of(Settings settings, List<Limit> statementTimeouts) {
        List<Limit> limits = new ArrayList<>(statementTimeouts);
        if (limits.isEmpty()) {
            limits.add(OWN_STATEMENT_TIMEOUT);
        }
        if (!settings.socketTimeout().isZero()) {
            limits.add(new Limit(Settings.SOCKET_TIMEOUT, settings.socketTimeout()));
        }
        limits.add(new Limit(Settings.POOL_MAX_LIFETIME, settings.poolMaxLifetime()));
        return new ChunkTimeLimits(limits);
    }

    public Limit smallest() {
        return limits.stream().min(Comparator.comparing(Limit::value)).orElseThrow();
    }

    /** An attempt that loses its connection after running this long is split, not retried at its size. */
    public Duration splitAfter() {
        return share(smallest().value(), SPLIT_SHARE);
    }

    /** How long a chunk's read and pivot should take at most. */
    public Duration readTarget() {
        Duration target = share(splitAfter(), READ_SHARE);
        return target.compareTo(CEILING) > 0 ? CEILING : target;
    }

    /** The target's share of the smallest limit, in per cent. */
    public static long readTargetPercent() {
        return Math.round(SPLIT_SHARE * READ_SHARE * 100);
    }

    private static Duration share(Duration d, double share) {
        return Duration.ofNanos((long) (d.toNanos() * share));
    }
}
