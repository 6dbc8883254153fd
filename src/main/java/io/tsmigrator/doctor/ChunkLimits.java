package io.tsmigrator.doctor;

import io.tsmigrator.config.Settings;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The limits on how long a chunk may take, the same ones a run's split rule knows
 * ({@code MigrationRun.splitAfter}) with the server's own statement_timeout added:
 * <ul>
 * <li>the statement timeout in force in the migrator's sessions: the server's (configuration,
 * database or role) when it is shorter than {@code migrator.db.statement-timeout}, which the run
 * only ever tightens; a chunk's COPY into the wide table is one statement;</li>
 * <li>{@code migrator.db.socket-timeout}: a statement that sends nothing for this long (a sort or
 * a scan before its first row, a long DELETE) ends its attempt;</li>
 * <li>{@code migrator.pool.max-lifetime}: set just below the infrastructure's limit on connection
 * age, which the database cannot report.</li>
 * </ul>
 * Not limits on chunk length: {@code idle_in_transaction_session_timeout} (a chunk's transactions
 * do not pause) and {@code idle_session_timeout} (it only ends sessions idle outside a transaction).
 */
final class ChunkLimits {

    private ChunkLimits() {
    }

    static List<Limit> of(Settings settings, List<Server> servers) {
        List<Limit> limits = new ArrayList<>();
        for (Server server : servers) {
            Limit statement = statementTimeout(settings, server);
            if (statement != null && limits.stream().noneMatch(l -> l.equals(statement))) {
                limits.add(statement);
            }
        }
        if (!settings.socketTimeout().isZero()) {
            limits.add(new Limit(Settings.SOCKET_TIMEOUT, settings.socketTimeout()));
        }
        limits.add(new Limit(Settings.POOL_MAX_LIFETIME, settings.poolMaxLifetime()));
        return limits;
    }

    /** The statement timeout of the migrator's sessions on a server, or null when there is none. */
    static Limit statementTimeout(Settings settings, Server server) {
        ServerSettings.Setting s = server.settings().get(ServerSettings.STATEMENT_TIMEOUT);
        Duration ours = settings.statementTimeout();
        if (s != null && s.isSet() && (ours.isZero() || s.duration().compareTo(ours) < 0)) {
            return new Limit("statement_timeout" + (server.suffix().isEmpty() ? "" : " on " + server.role()) + " (" + s.origin() + ")", s.duration());
        }
        return ours.isZero() ? null : new Limit(Settings.STATEMENT_TIMEOUT, ours);
    }

    static Limit smallest(List<Limit> limits) {
        Limit smallest = null;
        for (Limit l : limits) {
            if (smallest == null || l.value().compareTo(smallest.value()) < 0) {
                smallest = l;
            }
        }
        return smallest;
    }
}
