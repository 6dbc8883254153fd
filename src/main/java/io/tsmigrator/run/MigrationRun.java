package io.tsmigrator.run;

import io.tsmigrator.ExitCodes;
import io.tsmigrator.config.InvalidSettingException;
import io.tsmigrator.config.Settings;
import io.tsmigrator.db.BackgroundWork;
import io.tsmigrator.db.Pools;
import io.tsmigrator.deadletter.DeadLetter;
import io.tsmigrator.deadletter.DeadLetterSelection;
import io.tsmigrator.deadletter.DeadLetters;
import io.tsmigrator.failure.ChunkSplitter;
import io.tsmigrator.failure.FailureClassifier;
import io.tsmigrator.ledger.ChunkLedger;
import io.tsmigrator.ledger.InFlightChunks;
import io.tsmigrator.ledger.ControlSchema;
import io.tsmigrator.ledger.Requeue;
import io.tsmigrator.migrate.ChannelFilter;
import io.tsmigrator.migrate.ChunkMigrator;
import io.tsmigrator.migrate.ReadMethod;
import io.tsmigrator.plan.ChunkClaims;
import io.tsmigrator.plan.ChunkPlanner;
import io.tsmigrator.plan.RunScope;
import io.tsmigrator.replay.ReplayQueue;
import io.tsmigrator.replay.ReplayRequest;
import io.tsmigrator.replay.ReplayScope;
import io.tsmigrator.report.RunSummary;
import io.tsmigrator.report.ShipCompletions;
import io.tsmigrator.report.ShipTally;
import io.tsmigrator.source.Discovery;
import io.tsmigrator.source.SourceTable;
import io.tsmigrator.target.ChannelMapping;
import io.tsmigrator.target.WideTable;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.VetoCamelContextStartException;
import org.apache.camel.component.quartz.QuartzComponent;
import org.apache.camel.component.seda.SedaEndpoint;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.processor.aggregate.AggregateProcessor;
import org.apache.camel.processor.aggregate.jdbc.JdbcAggregationRepository;
import org.apache.camel.support.LifecycleStrategySupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

/**
 * The {@code run} and {@code replay} commands: prepares the target and the ledger, then hands the
 * flow to the YAML routes under {@code routes/} running in Camel Main, and turns the ledger's final
 * state into the exit code. A replay differs in one step: instead of planning, each pass runs the
 * dead-letter consumer, and only the chunks it queued (its batch) are claimed.
 */
public final class MigrationRun {

    private static final Logger LOG = LoggerFactory.getLogger(MigrationRun.class);

    private final Environment env;
    private final PrintStream out;
    private final GracefulShutdown shutdown;

    private final ReplayRequest replay;
    private final boolean json;

    /**
     * @param replay what to replay, or null for a plain run
     * @param json whether a replay prints its outcome as JSON
     */
    public MigrationRun(Environment env, PrintStream out, GracefulShutdown shutdown, ReplayRequest replay, boolean json) {
        this.env = env;
        this.out = out;
        this.shutdown = shutdown;
        this.replay = replay;
        this.json = json;
    }

    /** Runs with {@code camel}'s routes, whose loading the caller started before opening the databases. */
    public int execute(Camel camel) throws Exception {
        try {
            return migrate(camel.main(), camel.quartz(), camel.routes());
        } finally {
            // a run that ends before Camel starts still lets the routes' loading end first
            camel.routes().awaitQuietly();
        }
    }

    /** Camel Main, the planning timer, and the loading of the routes going on. */
    public record Camel(Main main, QuartzComponent quartz, BackgroundWork<Void> routes) {

        /**
         * Camel reads and checks the YAML routes (and configures itself) on a thread of its own while
         * the databases are opened, the source is read and the target is prepared: none of it needs
         * the beans, which are bound once it is done. Only what Camel's configuration may look up
         * goes in first. The settings here are the command line's: the routes take none of the
         * databases' (an embedded server's URL comes later).
         */
        public static Camel load(Settings settings, boolean replay) {
            Main main = new MigratorMain();
            QuartzComponent quartz = MigrationRun.quartz();
            configureRoutes(main, settings);
            Properties properties = settings.camelProperties();
            properties.setProperty(PLAN_STEP, replay ? "replay-dead-letters" : "plan-chunks");
            main.setOverrideProperties(properties);
            main.bind("quartz", quartz);
            if (settings.serves()) {
                // camel-micrometer-prometheus serves the registry it finds under this name
                main.bind(Operations.METRICS_REGISTRY, new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
                        io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT));
            }
            return new Camel(main, quartz, BackgroundWork.start("loading the routes", () -> {
                try {
                    main.init();
                } catch (RuntimeException e) {
                    throw RouteFileProblem.translate(e);
                }
                return null;
            }));
        }
    }

    private int migrate(Main main, QuartzComponent quartz, BackgroundWork<Void> routes) throws Exception {
        Settings settings = env.settings();
        Pools pools = env.pools();
        ControlSchema schema = new ControlSchema(settings.controlSchema());
        BackgroundWork<Void> controlSchema = schema.createInBackground(pools.control());
        SourceSide side;
        try {
            side = SourceSide.read(settings, pools);
        } catch (Exception e) {
            controlSchema.awaitQuietly();
            throw e;
        }
        SourceTable source = side.table();
        Discovery discovery = side.discovery();
        ChannelMapping mapping = side.mapping();
        List<String> channels = side.channels();
        ChannelFilter channelFilter = side.filter();
        WideTable wide = WideTable.describe(settings, channels, mapping);
        warnIfHeapTooSmall(settings);
        String owner = ownerId();
        ChunkLedger ledger = new ChunkLedger(pools.control(), schema, settings.targetTable());
        Requeue requeue = new Requeue(pools.control(), ledger, schema);
        DeadLetterSelection letters = new DeadLetterSelection(pools.control(), schema, ledger.job());
        RunScope scope;
        ReplayQueue replayQueue;
        List<DeadLetter> replayed = List.of();
        if (replay == null) {
            scope = RunScope.of(RunScope.ships(settings, discovery), settings.from(), settings.to());
            replayQueue = ReplayQueue.empty();
        } else {
            controlSchema.await();
            ReplayScope.checkShips(replay, discovery, settings.sourceTable());
            replayed = replay.replaysDeadLetters() ? letters.open(replay.ships(), replay.sqlState(), replay.since(), replay.ids()) : List.of();
            if (replayed.isEmpty() && replay.windows().isEmpty()) {
                new ReplaySummary(out, json).nothingToReplay(replay.describeFilters());
                return ExitCodes.OK;
            }
            scope = RunScope.replay(ReplayScope.ships(replayed, replay.windows()), owner);
            replayQueue = new ReplayQueue(requeue, owner, settings.chunkSize(), replayed, replay.windows());
        }
        LOG.info("{} {} ships, {} channels from {} to {} in {} chunks, {} at a time", replay == null ? "migrating" : "replaying",
                scope.ships().size(), channels.size(), source.table(), wide.table(), settings.chunkSize(), settings.parallelism());

        FailureClassifier classifier = new FailureClassifier(splitAfter(settings));
        InFlightChunks inFlight = new InFlightChunks();
        ChunkClaims claims = new ChunkClaims(ledger, scope, owner, settings.lease());
        DeadLetters deadLetters = new DeadLetters(ledger, schema, owner);
        // What follows a finished chunk (its ship's tally, the completion check and record, the end-of-run
        // check) goes through the aggregation pool, next to the repository: through the bookkeeping
        // pool it would meet the claim of the next chunk, which comes at the same moment, and each
        // time two ask at once that pool opens one more backend (a process the server starts).
        ChunkLedger afterChunk = new ChunkLedger(pools.aggregation(), schema, settings.targetTable());
        ShipCompletions completions = new ShipCompletions(pools.aggregation(), afterChunk, schema);

        // The target's DDL goes on while Camel builds the routes, which wait for it before any starts (startingOnceReady).
        BackgroundWork<Void> target = BackgroundWork.start("preparing the target", () -> {
            // before the wide table: both may create a schema, and two concurrent CREATE SCHEMA IF NOT EXISTS of one name can collide
            controlSchema.await();
            // and a route file that cannot be read stops the run before the target gets a table
            routes.await();
            wide.create(pools.control(), settings, source, mapping);
            return null;
        });
        try {
            // Camel's configuration is done with the registry now
            routes.await();
            main.bind("chunkPlanner", new ChunkPlanner(discovery, ledger, scope, settings.chunkSize()));
            main.bind("chunkClaims", claims);
            main.bind("chunkMigrator", new ChunkMigrator(pools.read(), pools.write(), source, wide, channelFilter,
                    ReadMethod.of(settings), ledger, classifier, owner, settings.lease(), settings.socketTimeout(), inFlight));
            main.bind("deadLetters", deadLetters);
            main.bind("replayQueue", replayQueue);
            main.bind("chunkSplitter", new ChunkSplitter(ledger, deadLetters, settings.minChunkSize(), owner));
            main.bind("shipTally", new ShipTally());
            main.bind("shipCompletions", completions);
            main.bind("shipAggregationRepository", aggregationRepository(pools, schema));
            main.bind("leaseKeeper", new LeaseKeeper(ledger, owner, settings.lease(), inFlight));
            Operations operations = Operations.wire(main, settings, pools, schema, ledger.job(), owner, scope.batch(), claims, requeue, inFlight);
            main.bind("runControl", new RunControl(afterChunk, scope, completions, claims, () -> {
                operations.finished();
                stopWhenIdle(main, quartz);
            }));
            main.addMainListener(new MainListenerSupport() {
                @Override
                public void beforeStop(BaseMainSupport m) {
                    claims.stop();
                }
            });
            shutdown.onSignal(() -> {
                claims.stop();
                main.completed();
            });
            main.getCamelContext().addLifecycleStrategy(startingOnceReady(target));
            main.run();
        } catch (Exception e) {
            // a failure of the target's preparation is the one to report; any other still lets its DDL end first
            target.await();
            throw e;
        }
        // Camel did not start if the target could not be prepared: that failure is the run's error
        target.await();

        pools.closeChunkPools();
        int released = ledger.releaseOwned(owner);
        if (released > 0) {
            LOG.info("handed {} unfinished chunks back to the ledger; the next run resumes them", released);
        }
        requeue.settleOutcomes();
        long unfinished = ledger.unfinished(scope.ships(), scope.from(), scope.to(), scope.batch());
        long failed = ledger.failed(scope.ships(), scope.from(), scope.to(), scope.batch());
        if (replay == null || !json) {
            new RunSummary(out).print(completions.completions(scope.ships()), unfinished, failed, schema.table("dead_letter"));
        }
        if (replay != null) {
            new ReplaySummary(out, json).print(letters.byIds(replayed.stream().map(DeadLetter::id).toList()), replay.windows(), unfinished, failed);
        }
        if (unfinished > 0) {
            return ExitCodes.FAILED;
        }
        return failed > 0 ? ExitCodes.DEAD_LETTERS : ExitCodes.OK;
    }

    /**
     * Holds Camel's start after the routes are built and before any of them starts (the aggregator's
     * repository reads its tables when it starts) until the target is prepared. A failed preparation
     * vetoes the start, so the run reports that failure itself instead of Camel's stack trace.
     */
    private static LifecycleStrategySupport startingOnceReady(BackgroundWork<Void> target) {
        return new LifecycleStrategySupport() {
            @Override
            public void onContextStarting(CamelContext context) throws VetoCamelContextStartException {
                try {
                    target.await();
                } catch (SQLException | RuntimeException e) {
                    throw new VetoCamelContextStartException("the target could not be prepared", context, false);
                }
            }
        };
    }

    /** What a run reads before it writes anything: the source table, its channels, and where the channel list is applied. */
    private record SourceSide(SourceTable table, Discovery discovery, ChannelMapping mapping, List<String> channels, ChannelFilter filter) {

        static SourceSide read(Settings settings, Pools pools) throws SQLException {
            SourceTable table = SourceTable.inspect(pools.read(), settings);
            Discovery discovery = new Discovery(pools.read(), table);
            ChannelMapping mapping = ChannelMapping.from(settings);
            // the target's columns are read on a write connection: the control schema's DDL holds the
            // bookkeeping pool's only connection now, and a second one would be a backend more
            List<String> channels = RunScope.channels(settings, table, discovery, mapping, pools.write());
            return new SourceSide(table, discovery, mapping, channels, ChannelFilter.listed(pools.read(), table, settings, channels));
        }
    }

    /** The route a planning pass calls first: {@code plan-chunks} for a run, the dead-letter consumer for a replay. */
    static final String PLAN_STEP = "migrator.derived.plan-step";

    private static void configureRoutes(Main main, Settings settings) {
        Path dir = settings.routesDirectory();
        if (Files.isDirectory(dir)) {
            // the HTTP routes (status page, API) only where there is an HTTP server to serve them
            main.configure().withRoutesIncludePattern("file:" + dir.toAbsolutePath() + "/*.yaml"
                    + (settings.serves() ? ",file:" + dir.toAbsolutePath() + "/http/*.yaml" : ""));
            if (settings.routesReload()) {
                main.configure().withRoutesReloadEnabled(true)
                        .withRoutesReloadDirectory(dir.toAbsolutePath().toString())
                        .withRoutesReloadPattern("*.yaml");
            }
        } else if (settings.raw(Settings.ROUTES).equals(Settings.DEFAULTS.get(Settings.ROUTES))) {
            LOG.info("no {} directory here; using the routes packaged in the jar", dir);
            main.configure().withRoutesIncludePattern("classpath:routes/*.yaml" + (settings.serves() ? ",classpath:routes/http/*.yaml" : ""));
        } else {
            throw InvalidSettingException.of(Settings.ROUTES, dir.toString(), "a directory holding the YAML routes");
        }
        main.configure().withShutdownTimeout((int) Math.max(1, settings.shutdownTimeout().toSeconds()));
    }

    /**
     * A consumer holds one cursor fetch of narrow rows (about 160 bytes each in the driver; a COPY
     * read holds one row), one read window's pivot (at most {@code MAX_CELLS} cells) and a 1 MB COPY
     * buffer; the rest of the process needs about 64 MB. A heap capped below that fails late with
     * OutOfMemoryError, so say so now.
     */
    private static void warnIfHeapTooSmall(Settings settings) {
        ReadMethod method = ReadMethod.of(settings);
        long perConsumer = method.rowsHeld() * 160L + ChunkMigrator.MAX_PIVOT_CELLS * 9L + (1 << 20);
        long needed = (64L << 20) + settings.parallelism() * perConsumer;
        long max = Runtime.getRuntime().maxMemory();
        if (max < needed) {
            LOG.warn("the heap (-Xmx) is {} MB; {} consumers{} need about {} MB: raise -Xmx or lower {}", max >> 20, settings.parallelism(),
                    method.copy() ? "" : " with fetch size " + settings.fetchSize(), needed >> 20,
                    method.copy() ? Settings.PARALLELISM : Settings.PARALLELISM + " or " + Settings.FETCH_SIZE);
        }
    }

    /**
     * Ends the run once the exchanges still in flight have finished, the queues are empty and no
     * ship's completion is in progress: the last chunk's own exchange (which asks for the stop), its
     * ship's tally and the completion that tally may start. Camel's graceful
     * shutdown would wait for them too, but it looks again only once a second, which is longer than
     * the whole tail of a run. The planning timer is halted first: a tick that fired between this
     * wait and Camel's own look would be in flight there and cost that second. The queues count
     * because the last two chunks finish nearly together: the first one's tally may see both done
     * and ask for the stop while the second one's tally still waits in {@code seda:completions},
     * where no exchange is in flight yet but Camel's stop will wait for it.
     */
    private static void stopWhenIdle(Main main, QuartzComponent quartz) {
        Thread stopper = new Thread(() -> {
            haltPlanningTicks(quartz);
            CamelContext context = main.getCamelContext();
            List<AggregateProcessor> aggregators = context == null ? List.of() : aggregators(context);
            long deadline = System.nanoTime() + STOP_WAIT.toNanos();
            try {
                while (context != null && busy(context, aggregators) && System.nanoTime() < deadline) {
                    Thread.sleep(1);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            main.completed();
        }, "migrator-stop");
        stopper.setDaemon(true);
        stopper.start();
    }

    /**
     * A ship's completion is a new exchange that the aggregator hands to a thread of its own: queued
     * there, it is not yet in flight, but the aggregator counts it as in progress from the moment it
     * completes the ship (seen: "Shutting down while there are still 1 inflight exchanges").
     */
    private static boolean busy(CamelContext context, List<AggregateProcessor> aggregators) {
        if (context.getInflightRepository().size() > 0) {
            return true;
        }
        for (AggregateProcessor aggregator : aggregators) {
            if (aggregator.getInProgressCompleteExchanges() > 0) {
                return true;
            }
        }
        for (Endpoint endpoint : context.getEndpoints()) {
            if (endpoint instanceof SedaEndpoint queue && !queue.getQueue().isEmpty()) {
                return true;
            }
        }
        return false;
    }

    private static List<AggregateProcessor> aggregators(CamelContext context) {
        return context.getRoutes().stream().flatMap(route -> route.filter("*").stream())
                .filter(AggregateProcessor.class::isInstance).map(AggregateProcessor.class::cast).toList();
    }

    /**
     * Pausing the trigger is what stops a tick already due: Quartz's scheduler thread takes the next
     * tick ahead of its time and, once that time comes, fires it even in standby, unless the trigger
     * was paused meanwhile (seen: the tick one plan interval after the start landed on the stop of a
     * one-second run, and Camel's shutdown waited a second for it).
     */
    static void haltPlanningTicks(QuartzComponent quartz) {
        try {
            if (quartz.getScheduler() != null) {
                quartz.getScheduler().pauseAll();
                quartz.getScheduler().standby();
            }
        } catch (org.quartz.SchedulerException e) {
            LOG.debug("could not halt the planning timer before the stop: {}", e.getMessage());
        }
    }

    private static final java.time.Duration STOP_WAIT = java.time.Duration.ofSeconds(10);

    /**
     * Quartz's own shutdown waits for its idle worker threads, which notice only every 500 ms; the
     * routes have already finished their exchanges by the time Camel stops the component, so
     * nothing is left for an interrupt to cut short.
     */
    static QuartzComponent quartz() {
        QuartzComponent quartz = new QuartzComponent();
        quartz.setInterruptJobsOnShutdown(true);
        // Nothing manages the scheduler over JMX, and registering it costs every run's start.
        quartz.setEnableJmx(false);
        // Quartz's defaults (its own quartz.properties) but one worker thread instead of ten: the
        // planning tick is the only job, and each thread costs every run's start.
        Properties scheduler = new Properties();
        scheduler.setProperty("org.quartz.scheduler.instanceName", "migrator");
        scheduler.setProperty("org.quartz.threadPool.class", "org.quartz.simpl.SimpleThreadPool");
        scheduler.setProperty("org.quartz.threadPool.threadCount", "1");
        scheduler.setProperty("org.quartz.threadPool.threadsInheritContextClassLoaderOfInitializingThread", "true");
        scheduler.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
        scheduler.setProperty("org.quartz.jobStore.misfireThreshold", "60000");
        quartz.setProperties(scheduler);
        return quartz;
    }

    private static JdbcAggregationRepository aggregationRepository(Pools pools, ControlSchema schema) {
        JdbcAggregationRepository repository = new JdbcAggregationRepository(
                new DataSourceTransactionManager(pools.aggregation()), ControlSchema.AGGREGATION_TABLE, pools.aggregation());
        repository.setUseRecovery(true);
        // A tally that went through a failed attempt can carry the driver's or Spring's exception;
        // the default filter (java.*, org.apache.camel.*) would then refuse to read it back and the
        // ship could never complete. The rows are this process's own, so these packages are safe.
        repository.setDeserializationFilter("java.**;org.apache.camel.**;org.postgresql.**;org.springframework.**;com.zaxxer.hikari.**;!*");
        return repository;
    }

    /**
     * A lost connection after this long is taken for a limit on how long work may run: a share
     * ({@code migrator.split-after}) of the shortest timeout the migrator knows of.
     */
    static java.time.Duration splitAfter(Settings settings) {
        java.time.Duration shortest = settings.poolMaxLifetime();
        for (java.time.Duration limit : List.of(settings.statementTimeout(), settings.idleInTransactionTimeout())) {
            if (!limit.isZero() && limit.compareTo(shortest) < 0) {
                shortest = limit;
            }
        }
        return java.time.Duration.ofMillis((long) (shortest.toMillis() * settings.splitAfter()));
    }

    private static String ownerId() {
        return ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID().toString().substring(0, 8);
    }
}
