package io.tsmigrator.run;

import io.tsmigrator.ledger.ChunkLedger;
import io.tsmigrator.plan.ChunkClaims;
import io.tsmigrator.plan.PlanPasses;
import io.tsmigrator.plan.RunScope;
import io.tsmigrator.report.ShipCompletions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;

/**
 * Decides when a run is over: after a planning pass and after each finished chunk, when no chunk of
 * the scope is pending or running (in this process or any other), completions a crash may have
 * missed are reconciled and the process is told to stop. Several threads may get there at once;
 * both steps are idempotent.
 */
public class RunControl {

    private static final Logger LOG = LoggerFactory.getLogger(RunControl.class);

    private final ChunkLedger ledger;
    private final RunScope scope;
    private final ShipCompletions completions;
    private final ChunkClaims claims;
    private final PlanPasses passes;
    private final boolean follow;
    private final Runnable onFinished;

    /** @param follow whether the run goes on when nothing is left to do (run --follow): only a stop ends it */
    public RunControl(ChunkLedger ledger, RunScope scope, ShipCompletions completions, ChunkClaims claims, PlanPasses passes,
                      boolean follow, Runnable onFinished) {
        this.ledger = ledger;
        this.scope = scope;
        this.completions = completions;
        this.claims = claims;
        this.passes = passes;
        this.follow = follow;
        this.onFinished = onFinished;
    }

    /**
     * The check after each finished chunk, once the claims have run dry (before, the chunk cannot be
     * the last). It must not fail the chunk's exchange (the chunk is already DONE), so a database
     * error here only postpones the end to the next planning tick.
     */
    public void finishIfIdleAfterChunk() {
        if (!claims.isDrained()) {
            return;
        }
        try {
            finishIfIdle();
        } catch (SQLException | RuntimeException e) {
            LOG.debug("end-of-run check failed ({}); the next planning tick checks again", e.getMessage());
        }
    }

    public void finishIfIdle() throws SQLException {
        if (claims.isStopping() || follow) {
            return;
        }
        // an empty ledger means nothing before the plan is in it, and another process may be the one planning
        if (!passes.passedSinceStart()) {
            LOG.debug("no planning pass has finished since this process started; checking again at the next dispatch");
            return;
        }
        if (ledger.anyUnfinished(scope.ships(), scope.from(), scope.to(), scope.batch())) {
            LOG.debug("chunks still pending or running; checking again after the next chunk or planning pass");
            return;
        }
        completions.reconcile(scope.ships());
        LOG.info("no chunk left to do; stopping");
        claims.stop();
        onFinished.run();
    }
}
