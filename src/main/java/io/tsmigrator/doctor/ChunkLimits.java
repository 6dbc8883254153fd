package io.tsmigrator.doctor;

import io.tsmigrator.config.Settings;
import io.tsmigrator.failure.ChunkTimeLimits;
import io.tsmigrator.failure.ChunkTimeLimits.Limit;

import java.util.ArrayList;
import java.util.List;

/**
 * The limits on how long a chunk may take, by the run's own rule ({@link ChunkTimeLimits}), with
 * the statement timeout the servers actually put in force: the server's (configuration, database
 * or role) when it is shorter than the migrator's own ({@link Settings#STATEMENT_TIMEOUT}), which
 * the run only ever tightens.
 */
final class ChunkLimits {

    private ChunkLimits() {
    }

    static ChunkTimeLimits of(Settings settings, List<Server> servers) {
        List<Limit> statements = new ArrayList<>();
        for (Server server : servers) {
            Limit statement = statementTimeout(server);
            if (!statements.contains(statement)) {
                statements.add(statement);
            }
        }
        return ChunkTimeLimits.of(settings, statements);
    }

    /** The statement timeout of the migrator's sessions on a server. */
    static Limit statementTimeout(Server server) {
        ServerSettings.Setting s = server.settings().get(ServerSettings.STATEMENT_TIMEOUT);
        if (s != null && s.isSet() && s.duration().compareTo(Settings.STATEMENT_TIMEOUT) < 0) {
            return new Limit("statement_timeout" + (server.suffix().isEmpty() ? "" : " on " + server.role()) + " (" + s.origin() + ")", s.duration());
        }
        return ChunkTimeLimits.OWN_STATEMENT_TIMEOUT;
    }

    static String describe(Limit limit) {
        return limit.name() + " " + Durations.human(limit.value());
    }
}
