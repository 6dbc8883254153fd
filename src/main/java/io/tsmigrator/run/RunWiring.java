package io.tsmigrator.run;

import io.tsmigrator.config.Settings;
import io.tsmigrator.db.Pools;
import io.tsmigrator.deadletter.DeadLetters;
import io.tsmigrator.failure.ChunkSplitter;
import io.tsmigrator.failure.ChunkTimeLimits;
import io.tsmigrator.failure.FailureClassifier;
import io.tsmigrator.ledger.ChunkLedger;
import io.tsmigrator.ledger.ControlSchema;
import io.tsmigrator.ledger.InFlightChunks;
import io.tsmigrator.migrate.ChunkMigrator;
import io.tsmigrator.ledger.PlanPassLog;
import io.tsmigrator.plan.PlanPasses;
import io.tsmigrator.ledger.ProbedRanges;
import io.tsmigrator.ledger.Remigrations;
import io.tsmigrator.plan.ChangeMarks;
import io.tsmigrator.plan.ChunkClaims;
import io.tsmigrator.source.ReadingProbe;
import io.tsmigrator.plan.ChunkPlanner;
import io.tsmigrator.plan.RunScope;
import io.tsmigrator.replay.ReplayQueue;
import io.tsmigrator.report.ShipCompletions;
import io.tsmigrator.report.ShipTally;


/**
 * Builds the objects of one run and names them for the routes ({@link #beans}). Everything a run
 * hands to Camel is made here, from what {@link MigrationRun} prepared.
 */
final class RunWiring {

    private final Settings settings;
    private final Pools pools;
    private final ControlSchema schema;
    private final SourceSide source;
    private final ChunkLedger ledger;
    private final RunScope scope;
    private final ReplayQueue replayQueue;
    private final String owner;
    private final boolean follow;
    private final ChangeMarks changes;
    private final InFlightChunks inFlight = new InFlightChunks();
    private final ChunkClaims claims;
    private final DeadLetters deadLetters;
    private final ShipCompletions completions;
    private final PlanPasses passes;
    private final Operations operations;

    RunWiring(Settings settings, Pools pools, ControlSchema schema, SourceSide source, ChunkLedger ledger, RunScope scope,
              ReplayQueue replayQueue, String owner, boolean follow, ChangeMarks changes) {
        this.settings = settings;
        this.pools = pools;
        this.schema = schema;
        this.source = source;
        this.ledger = ledger;
        this.scope = scope;
        this.replayQueue = replayQueue;
        this.owner = owner;
        this.follow = follow;
        this.changes = changes;
        this.claims = new ChunkClaims(ledger, scope, owner, settings.lease(), settings.parallelism());
        this.deadLetters = new DeadLetters(ledger, schema, owner);
        this.completions = new ShipCompletions(pools.control(), ledger, schema);
        // a replay's passes are its own; a run's are shared by every process of the job
        this.passes = new PlanPasses(scope.batch() == null ? new PlanPassLog(pools.control(), schema, ledger.job()) : null, owner, settings.lease(), Settings.PLAN_INTERVAL);
        this.operations = new Operations(settings, pools, schema, ledger, owner, scope.batch(), claims, inFlight);
    }

    PlanPasses passes() {
        return passes;
    }

    Operations operations() {
        return operations;
    }

    ChunkClaims claims() {
        return claims;
    }

    ShipCompletions completions() {
        return completions;
    }

    /** @param stopWhenIdle what ends the run once no chunk is left */
    RunBeans beans(Runnable stopWhenIdle) {
        FailureClassifier classifier = new FailureClassifier(ChunkTimeLimits.of(settings).splitAfter());
        return operations.addTo(new RunBeans())
                .put("chunkPlanner", planner())
                .put("chunkClaims", claims)
                .put("chunkMigrator", new ChunkMigrator(pools.read(), pools.write(), source.table(), source.wide(), source.columns(),
                        source.mapping().unmapped(), source.filter(), ledger, classifier, owner, settings.lease(), settings.socketTimeout(), inFlight))
                .put("deadLetters", deadLetters)
                .put("replayQueue", replayQueue)
                .put("chunkSplitter", new ChunkSplitter(ledger, deadLetters, Settings.MIN_CHUNK_SIZE, owner))
                .put("shipTally", new ShipTally())
                .put("shipCompletions", completions)
                .put("leaseKeeper", new LeaseKeeper(ledger, owner, settings.lease(), inFlight))
                .put("planPasses", passes)
                .put("runControl", new RunControl(ledger, scope, completions, claims, passes, follow, () -> {
                    operations.finished();
                    stopWhenIdle.run();
                }));
    }

    /** Follow mode plans settled windows at every pass and finds new ships, unless the ships were configured. */
    private ChunkPlanner planner() {
        Remigrations remigrations = new Remigrations(pools.control(), ledger, schema);
        return new ChunkPlanner(source.discovery(), new ReadingProbe(pools.read(), source.table()), ledger,
                new ProbedRanges(pools.control(), schema, ledger.job()), remigrations, changes, scope, settings.chunkSize(),
                settings.ships().isEmpty(), follow ? settings.followSettle() : null);
    }
}
