package io.tsmigrator.run;

import org.apache.camel.main.DefaultMainShutdownStrategy;
import org.apache.camel.main.Main;

/**
 * Camel Main without its own SIGTERM hook: {@link GracefulShutdown} owns the signal, because
 * Camel's hook lets the JVM halt before the ledger is tidied and the exit code decided.
 */
final class MigratorMain extends Main {

    MigratorMain() {
        ((DefaultMainShutdownStrategy) shutdownStrategy).disableHangupSupport();
    }
}
