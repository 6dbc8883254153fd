package io.tsmigrator.run;

import io.tsmigrator.config.Secrets;
import io.tsmigrator.ledger.ChunkLedger;
import io.tsmigrator.ledger.InFlightChunks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Renews the leases of the chunks this process is working on, on a timer a third of the lease
 * long, so a lease only expires when the process is dead, cut off, or has lost track of the chunk;
 * then another claim (this run's or another's) takes the chunk over.
 */
public class LeaseKeeper {

    private static final Logger LOG = LoggerFactory.getLogger(LeaseKeeper.class);

    private final ChunkLedger ledger;
    private final String owner;
    private final Duration lease;
    private final InFlightChunks inFlight;

    public LeaseKeeper(ChunkLedger ledger, String owner, Duration lease, InFlightChunks inFlight) {
        this.ledger = ledger;
        this.owner = owner;
        this.lease = lease;
        this.inFlight = inFlight;
    }

    public void renew() {
        try {
            int renewed = ledger.renewLeases(owner, inFlight.snapshot(), lease);
            LOG.debug("renewed {} leases of {}", renewed, owner);
        } catch (Exception e) {
            LOG.warn("could not renew chunk leases of {} (will try again): {}", owner, Secrets.scrub(e.getMessage()));
        }
    }
}
