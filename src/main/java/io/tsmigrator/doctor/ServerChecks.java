package io.tsmigrator.doctor;

import io.tsmigrator.config.Settings;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The server settings that end long work, each judged against the limits the migrator sets in its own sessions. */
final class ServerChecks {

    /** Below this, an ordinary pause inside a chunk's transaction (a GC pause, a slow network) ends the session. */
    static final Duration SHORTEST_IDLE_IN_TRANSACTION = Duration.ofSeconds(10);
    /** Load balancers and NAT gateways drop connections silent for as little as 4 to 6 minutes. */
    static final Duration LONGEST_KEEPALIVE_IDLE = Duration.ofMinutes(5);

    private final ChunkSizeAdvisor.Target target;

    ServerChecks(ChunkSizeAdvisor.Target target) {
        this.target = target;
    }

    List<Finding> check(Server server) {
        List<Finding> findings = new ArrayList<>();
        findings.add(statementTimeout(server));
        ServerSettings.Setting idleInTx = server.settings().get(ServerSettings.IDLE_IN_TRANSACTION);
        findings.add(idleInTransaction(server, idleInTx));
        ServerSettings.Setting idleSession = server.settings().get(ServerSettings.IDLE_SESSION);
        if (idleSession != null) {
            findings.add(idleSession(server, idleSession));
        }
        findings.add(keepalives(server));
        return findings;
    }

    private Finding statementTimeout(Server server) {
        String check = ServerSettings.STATEMENT_TIMEOUT + server.suffix();
        ServerSettings.Setting s = server.settings().get(ServerSettings.STATEMENT_TIMEOUT);
        String ours = Durations.human(Settings.STATEMENT_TIMEOUT);
        if (s.isSet() && s.duration().compareTo(Settings.STATEMENT_TIMEOUT) < 0) {
            return Finding.warn(check, s.describe() + ", shorter than the migrator's own " + ours + ", so it applies",
                    "statements running longer are cancelled (SQLState 57014) and their chunks split; the recommended chunk size"
                            + " keeps each under " + Durations.human(target.duration()) + "; or lift it for the migrator's role: ALTER ROLE "
                            + server.settings().user() + " SET statement_timeout = 0 (the migrator still applies its own " + ours + ")");
        }
        return Finding.ok(check, s.describe() + "; the migrator's sessions use " + ours, "");
    }

    private Finding idleInTransaction(Server server, ServerSettings.Setting s) {
        String check = ServerSettings.IDLE_IN_TRANSACTION + server.suffix();
        String ours = Durations.human(Settings.IDLE_IN_TRANSACTION_TIMEOUT);
        if (!s.isSet() || s.duration().compareTo(Settings.IDLE_IN_TRANSACTION_TIMEOUT) >= 0) {
            return Finding.ok(check, s.describe() + "; the migrator's sessions use " + ours, "");
        }
        String value = s.describe() + ", shorter than the migrator's own " + ours + ", so it applies";
        if (s.duration().compareTo(SHORTEST_IDLE_IN_TRANSACTION) < 0) {
            return Finding.warn(check, value, "a pause inside a chunk's transaction longer than this (garbage collection, a slow"
                    + " network) ends the session and fails the attempt; at least " + Durations.human(SHORTEST_IDLE_IN_TRANSACTION)
                    + " (ALTER ROLE " + server.settings().user() + " SET idle_in_transaction_session_timeout = '1min')");
        }
        return Finding.ok(check, value, "");
    }

    private Finding idleSession(Server server, ServerSettings.Setting s) {
        String check = ServerSettings.IDLE_SESSION + server.suffix();
        if (!s.isSet()) {
            return Finding.ok(check, s.describe(), "");
        }
        String value = s.describe() + "; the pools ping idle connections every " + Durations.human(Settings.POOL_KEEPALIVE);
        if (Settings.POOL_KEEPALIVE.compareTo(s.duration()) >= 0) {
            return Finding.warn(check, value, "the server closes pooled connections idle this long between chunks (SQLState 57P05);"
                    + " lift it for the migrator's role: ALTER ROLE " + server.settings().user() + " SET idle_session_timeout = 0");
        }
        return Finding.ok(check, value, "the pools ping idle connections before the server closes them");
    }

    private Finding keepalives(Server server) {
        String check = "tcp_keepalives" + server.suffix();
        ServerSettings.Setting idle = server.settings().get(ServerSettings.KEEPALIVES_IDLE);
        ServerSettings.Setting interval = server.settings().get(ServerSettings.KEEPALIVES_INTERVAL);
        ServerSettings.Setting count = server.settings().get(ServerSettings.KEEPALIVES_COUNT);
        ServerSettings.Setting user = server.settings().get(ServerSettings.TCP_USER_TIMEOUT);
        boolean oneOrigin = idle.origin().equals(interval.origin()) && idle.origin().equals(count.origin());
        String value = "idle " + seconds(idle) + (oneOrigin ? "" : " (" + idle.origin() + ")")
                + ", interval " + seconds(interval) + (oneOrigin ? "" : " (" + interval.origin() + ")")
                + ", count " + count.value() + " (" + count.origin() + ")"
                + (user == null ? "" : "; tcp_user_timeout " + user.describe());
        if (!idle.isSet() || idle.duration().compareTo(LONGEST_KEEPALIVE_IDLE) > 0) {
            return Finding.warn(check, value, "a firewall, NAT or load balancer on the way drops connections silent longer than its"
                    + " idle timeout (often 4 to 60 min), e.g. during a long statement; ALTER ROLE " + server.settings().user()
                    + " SET tcp_keepalives_idle = 60 keeps them alive from the server's side (pgjdbc's tcpKeepAlive uses the client"
                    + " system's default, usually 2 h)");
        }
        return Finding.ok(check, value, "");
    }

    private static String seconds(ServerSettings.Setting s) {
        return s.isSet() ? Durations.human(s.duration()) : "0 (system default)";
    }
}
