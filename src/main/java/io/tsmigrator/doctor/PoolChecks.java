package io.tsmigrator.doctor;

import io.tsmigrator.config.Settings;
import io.tsmigrator.db.ConnectionBudget;
import io.tsmigrator.db.Pools;

import java.util.ArrayList;
import java.util.List;

/** The migrator's connection settings: pool sizes against the server's connections, and its timeouts. */
final class PoolChecks {

    private final Settings settings;

    PoolChecks(Settings settings) {
        this.settings = settings;
    }

    /** Pool sizes against the connections each server has free (measured before the pools opened). */
    List<Finding> connections(List<ConnectionBudget> budgets) {
        return budgets.stream().map(this::connections).toList();
    }

    List<Finding> timeouts() {
        List<Finding> findings = new ArrayList<>();
        findings.add(socketTimeout());
        findings.add(Finding.ok("pool max-lifetime", Settings.POOL_MAX_LIFETIME + "=" + settings.poolMaxLifetime(),
                "keep it below any proxy or firewall limit on connection age (the database cannot report those); chunks are kept"
                        + " well under it"));
        return findings;
    }

    private Finding connections(ConnectionBudget b) {
        int p = b.parallelism();
        String targetPools = "write " + p + ", control " + Pools.controlPoolSize(p);
        String pools = switch (b.what()) {
            case "source" -> "read " + p;
            case "target" -> targetPools;
            default -> "read " + p + ", " + targetPools;
        };
        String value = Settings.PARALLELISM + "=" + p + " needs " + b.needed() + " (" + pools + "); " + b.free() + " free of max_connections "
                + b.max() + " (" + b.inUse() + " in use, " + b.reserved() + " reserved)";
        String check = "connections (" + b.what() + ")";
        return b.suffices() ? Finding.ok(check, value, "") : Finding.fail(check, value, b.refusal());
    }

    private Finding socketTimeout() {
        if (settings.socketTimeout().isZero()) {
            return Finding.warn("socket-timeout", Settings.SOCKET_TIMEOUT + "=PT0S (off)",
                    "a connection dropped silently by the network hangs its chunk for good; set it, e.g. PT5M");
        }
        return Finding.ok("socket-timeout", Settings.SOCKET_TIMEOUT + "=" + settings.socketTimeout(),
                "a read silent this long ends the attempt, so a statement may not work this long before it sends its first row");
    }
}
