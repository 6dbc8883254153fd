package io.tsmigrator.run;

import io.tsmigrator.capture.CaptureUnavailableException;
import io.tsmigrator.capture.CapturedChanges;
import io.tsmigrator.capture.ChangeCapture;
import io.tsmigrator.config.InvalidSettingException;
import io.tsmigrator.config.Settings;
import io.tsmigrator.db.BackgroundWork;
import io.tsmigrator.db.Pools;
import io.tsmigrator.deadletter.DeadLetter;
import io.tsmigrator.deadletter.DeadLetterSelection;
import io.tsmigrator.ledger.ChunkLedger;
import io.tsmigrator.ledger.ControlSchema;
import io.tsmigrator.ledger.Requeue;
import io.tsmigrator.plan.ChangeMarks;
import io.tsmigrator.plan.RunScope;
import io.tsmigrator.replay.ReplayQueue;
import io.tsmigrator.replay.ReplayRequest;
import io.tsmigrator.replay.ReplayScope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.sql.SQLException;
import java.util.List;

/**
 * The {@code run} and {@code replay} commands: prepares the target and the ledger, then hands the
 * flow to the YAML routes under {@code routes/} running in Camel Main ({@link CamelLifecycle}, with
 * the beans of {@link RunWiring}), and turns the ledger's final state into the exit code
 * ({@link RunOutcome}). A replay differs in one step: instead of planning, each pass runs the
 * dead-letter consumer, and only the chunks it queued (its batch) are claimed.
 */
public final class MigrationRun {

    private static final Logger LOG = LoggerFactory.getLogger(MigrationRun.class);

    private final Environment env;
    private final PrintStream out;
    private final GracefulShutdown shutdown;
    private final ReplayRequest replay;
    private final boolean json;
    private final boolean follow;

    /**
     * @param replay what to replay, or null for a plain run
     * @param json whether a replay prints its outcome as JSON
     * @param follow whether the run keeps the wide table current until it is stopped ({@code run --follow})
     */
    public MigrationRun(Environment env, PrintStream out, GracefulShutdown shutdown, ReplayRequest replay, boolean json, boolean follow) {
        this.env = env;
        this.out = out;
        this.shutdown = shutdown;
        this.replay = replay;
        this.json = json;
        this.follow = follow;
    }

    /** Runs with {@code camel}'s routes, whose loading the caller started before opening the databases. */
    public int execute(CamelLifecycle camel) throws Exception {
        try {
            return migrate(camel);
        } finally {
            // a run that ends before Camel starts still lets the routes' loading end first
            camel.awaitRoutesQuietly();
        }
    }

    private int migrate(CamelLifecycle camel) throws Exception {
        Settings settings = env.settings();
        Pools pools = env.pools();
        ControlSchema schema = new ControlSchema(settings.controlSchema());
        BackgroundWork<Void> controlSchema = schema.createInBackground(pools.control());
        SourceSide source;
        try {
            source = SourceSide.read(settings, pools);
        } catch (Exception e) {
            controlSchema.awaitQuietly();
            throw e;
        }
        HeapCheck.warnIfTooSmall(settings);
        String owner = camel.owner();
        ChunkLedger ledger = new ChunkLedger(pools.control(), schema, settings.targetTable());
        Requeue requeue = new Requeue(pools.control(), ledger, schema);
        DeadLetterSelection letters = new DeadLetterSelection(pools.control(), schema, ledger.job());
        RunScope scope;
        ReplayQueue replayQueue;
        List<DeadLetter> replayed = List.of();
        if (replay == null) {
            scope = RunScope.of(RunScope.ships(settings, source.discovery()), settings.from(), settings.to());
            replayQueue = ReplayQueue.empty();
        } else {
            controlSchema.await();
            ReplayScope.checkShips(replay, source.discovery(), settings.sourceTable());
            replayed = replay.replaysDeadLetters() ? letters.open(replay.ships(), replay.sqlState(), replay.since(), replay.ids()) : List.of();
            if (replayed.isEmpty() && replay.windows().isEmpty()) {
                new ReplaySummary(out, json).nothingToReplay(replay.describeFilters());
                return ExitCodes.OK;
            }
            scope = RunScope.replay(ReplayScope.ships(replayed, replay.windows()), owner);
            replayQueue = new ReplayQueue(requeue, owner, settings.chunkSize(), replayed, replay.windows());
        }
        source.checkColumnLimit(scope.ships(), pools.control());
        LOG.info("{} {} ships, {} from {} to {} in {} chunks, {} at a time", replay != null ? "replaying" : follow ? "following" : "migrating",
                scope.ships().size(), source.listed().isEmpty() ? "every channel" : source.listed().size() + " listed channels",
                source.table().table(), source.wide().table(), settings.chunkSize(), settings.parallelism());

        ChangeMarks changes = replay == null ? captureChanges(settings, pools, source) : ChangeMarks.NONE;
        RunWiring wiring = new RunWiring(settings, pools, schema, source, ledger, scope, replayQueue, owner, follow, changes);
        // The target's DDL goes on while Camel builds the routes, which wait for it before any starts.
        BackgroundWork<Void> target = BackgroundWork.start("preparing the target", () -> {
            // before the wide table: both may create a schema, and two concurrent CREATE SCHEMA IF NOT EXISTS of one name can collide
            controlSchema.await();
            // and a route file that cannot be read stops the run before the target gets a table
            camel.awaitRoutes();
            source.prepareTarget(pools.control());
            return null;
        });
        try {
            camel.bind(wiring.beans(camel::stopWhenIdle), pools.control());
            wiring.operations().attach(camel.context());
            camel.run(target, shutdown, () -> {
                wiring.claims().stop();
                wiring.passes().release();
            });
        } catch (Exception e) {
            // a failure of the target's preparation is the one to report; any other still lets its DDL end first
            target.await();
            throw e;
        }
        // Camel did not start if the target could not be prepared: that failure is the run's error
        target.await();

        pools.closeChunkPools();
        int code = new RunOutcome(ledger, requeue, schema, out).settle(owner, scope, wiring.completions(), replay, json, letters, replayed);
        // work left when a follow run is stopped is normal: the next run goes on with it
        return follow && code != ExitCodes.INVALID_CONFIGURATION ? ExitCodes.OK : code;
    }

    /**
     * Installs change capture on the source before the first planning pass, so that every change
     * made after a window is read is marked. A source that refuses triggers stops a follow run (it
     * would drift from the source unseen); a batch run warns and goes on without.
     */
    private ChangeMarks captureChanges(Settings settings, Pools pools, SourceSide source) throws SQLException {
        if (!settings.capturesChanges()) {
            return ChangeMarks.NONE;
        }
        ChangeCapture capture = ChangeCapture.of(pools.read(), source.table(), settings);
        try {
            capture.install();
            return new CapturedChanges(capture);
        } catch (CaptureUnavailableException e) {
            if (follow) {
                throw new InvalidSettingException(e.getMessage());
            }
            LOG.warn("{}", e.getMessage());
            return ChangeMarks.NONE;
        }
    }
}
