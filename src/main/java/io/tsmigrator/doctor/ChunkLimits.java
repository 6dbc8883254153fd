package io.tsmigrator.doctor;

import io.tsmigrator.config.Settings;
import io.tsmigrator.failure.ChunkTimeLimits;
import io.tsmigrator.failure.ChunkTimeLimits.Limit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The limits on how long a chunk may take, by the run's own rule ({@link ChunkTimeLimits}), with
 * the statement timeout the servers actually put in force: the server's (configuration, database
 * or role) when it is shorter than {@code migrator.db.statement-timeout}, which the run only ever tightens.
 */
final class ChunkLimits {

    private ChunkLimits() {
    }

    static ChunkTimeLimits of(Settings settings, List<Server> servers) {
        List<Limit> statements = new ArrayList<>();
        for (Server server : servers) {
            Limit statement = statementTimeout(settings, server);
            if (statement != null && !statements.contains(statement)) {
                statements.add(statement);
            }
        }
        return ChunkTimeLimits.of(settings, statements);
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

    static String describe(Limit limit) {
        return limit.name() + " " + Durations.human(limit.value());
    }
}
