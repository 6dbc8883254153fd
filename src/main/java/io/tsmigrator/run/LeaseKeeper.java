package io.tsmigrator.run;

import io.tsmigrator.config.Secrets;
import io.tsmigrator.ledger.ChunkLedger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Renews the leases of the chunks this process holds, on a timer a third of the lease long, so a
 * lease only expires when the process is dead or cut off; then another run may take the chunk over.
 */
public class LeaseKeeper {

    private static final Logger LOG = LoggerFactory.getLogger(LeaseKeeper.class);

    private final ChunkLedger ledger;
    private final String owner;
    private final Duration lease;

    public LeaseKeeper(ChunkLedger ledger, String owner, Duration lease) {
        this.ledger = ledger;
        this.owner = owner;
        this.lease = lease;
    }

    public void renew() {
        try {
            int renewed = ledger.renewLeases(owner, lease);
            LOG.debug("renewed {} leases of {}", renewed, owner);
        } catch (Exception e) {
            LOG.warn("could not renew chunk leases of {} (will try again): {}", owner, Secrets.scrub(e.getMessage()));
        }
    }
}
