package io.tsmigrator.run;

import io.tsmigrator.config.Identifiers;
import io.tsmigrator.config.Settings;
import io.tsmigrator.db.BackgroundWork;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.VetoCamelContextStartException;
import org.apache.camel.component.quartz.QuartzComponent;
import org.apache.camel.component.seda.SedaEndpoint;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.processor.aggregate.AggregateProcessor;
import org.apache.camel.support.LifecycleStrategySupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

/**
 * Camel Main and its planning timer for one run: loads the YAML routes, starts once the target is
 * prepared, and stops when the run is idle or on SIGTERM.
 */
public final class CamelLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(CamelLifecycle.class);

    /** The route a planning pass calls first: {@code plan-chunks} for a run, the dead-letter consumer for a replay. */
    static final String PLAN_STEP = "migrator.derived.plan-step";

    /** How long the stop waits for the last exchanges before Camel's own shutdown takes over. */
    private static final Duration STOP_WAIT = Duration.ofSeconds(10);

    /** The Camel context's name, the same in every process of a job (see {@link #load}). */
    static final String CONTEXT_NAME = "migrator";

    private final Main main;
    private final QuartzComponent quartz;
    /** The name under which Quartz finds the control pool, or null when the planning timer is this process's alone. */
    private final String quartzDataSource;
    private final BackgroundWork<Void> routes;

    private CamelLifecycle(Main main, QuartzComponent quartz, String quartzDataSource, BackgroundWork<Void> routes) {
        this.main = main;
        this.quartz = quartz;
        this.quartzDataSource = quartzDataSource;
        this.routes = routes;
    }

    /**
     * Camel reads and checks the YAML routes (and configures itself) on a thread of its own while
     * the databases are opened, the source is read and the target is prepared: none of it needs the
     * beans, which are bound once it is done. The settings here are the command line's: the routes
     * take none of the databases' (an embedded server's URL comes later).
     * <p>
     * A run's planning timer is clustered: every process of the job shares it through Quartz's JDBC
     * JobStore and one of them plans each pass. A replay plans (queues) only what it was asked to,
     * so its timer is its own.
     */
    public static CamelLifecycle load(Settings settings, boolean replay) {
        Main main = new MigratorMain();
        String dataSource = replay ? null : ClusteredQuartz.dataSourceName();
        QuartzComponent quartz = replay ? quartz()
                : quartz(ClusteredQuartz.properties(Identifiers.quote(settings.controlSchema()), settings.targetTable(), dataSource));
        // Quartz's job data names the Camel context that runs the job: the same in every process
        main.configure().withName(CONTEXT_NAME);
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
        return new CamelLifecycle(main, quartz, dataSource, BackgroundWork.start("loading the routes", () -> {
            try {
                main.init();
            } catch (RuntimeException e) {
                throw RouteFileProblem.translate(e);
            }
            return null;
        }));
    }

    /** Camel's context, once the routes are loaded. */
    CamelContext context() {
        return main.getCamelContext();
    }

    /** Waits until the routes are loaded (a route file that cannot be read fails here). */
    void awaitRoutes() throws SQLException {
        routes.await();
    }

    /** For a run that ends before Camel starts: the routes' loading ends first. */
    void awaitRoutesQuietly() {
        routes.awaitQuietly();
    }

    /**
     * Binds the run's beans, once the routes are loaded (Camel's configuration is done with the
     * registry then), and gives a clustered planning timer its connections, from the control pool.
     */
    void bind(RunBeans beans, DataSource control) throws SQLException {
        routes.await();
        beans.bindTo(main);
        if (quartzDataSource != null) {
            ClusteredQuartz.provide(quartzDataSource, control);
        }
    }

    /**
     * Runs Camel until the run stops. Camel starts once {@code target} is prepared; a failed
     * preparation vetoes the start, so the run reports that failure itself.
     *
     * @param onStop what must happen before Camel stops, whichever way the stop comes (no more claims)
     */
    void run(BackgroundWork<Void> target, GracefulShutdown shutdown, Runnable onStop) throws Exception {
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void beforeStop(BaseMainSupport m) {
                onStop.run();
            }
        });
        shutdown.onSignal(() -> {
            onStop.run();
            main.completed();
            // after the stop is asked for: a pass waiting for the database stops retrying then
            haltPlanningTicks(quartz, quartzDataSource != null);
        });
        main.getCamelContext().addLifecycleStrategy(startingOnceReady(target));
        try {
            main.run();
        } finally {
            leaveQuartz();
        }
    }

    /**
     * camel-quartz leaves a scheduler whose jobs are still registered running, and a clustered job
     * stays registered in its tables; Quartz keeps that scheduler in a JVM-wide registry by name, so
     * the next run of the same job in this JVM would get it back, bound to this run's closed pool.
     */
    private void leaveQuartz() {
        try {
            if (quartz.getScheduler() != null && !quartz.getScheduler().isShutdown()) {
                quartz.getScheduler().shutdown(true);
            }
        } catch (org.quartz.SchedulerException e) {
            LOG.debug("could not shut the planning timer down: {}", e.getMessage());
        }
    }

    /**
     * Holds Camel's start after the routes are built and before any of them starts (the aggregator's
     * repository reads its tables when it starts) until the target is prepared.
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

    private static void configureRoutes(Main main, Settings settings) {
        Path dir = Settings.ROUTES;
        if (Files.isDirectory(dir)) {
            // the HTTP routes (status page, API) only where there is an HTTP server to serve them
            main.configure().withRoutesIncludePattern("file:" + dir.toAbsolutePath() + "/*.yaml"
                    + (settings.serves() ? ",file:" + dir.toAbsolutePath() + "/http/*.yaml" : ""));
        } else {
            LOG.info("no {} directory here; using the routes packaged in the jar", dir);
            main.configure().withRoutesIncludePattern("classpath:routes/*.yaml" + (settings.serves() ? ",classpath:routes/http/*.yaml" : ""));
        }
        main.configure().withShutdownTimeout((int) Math.max(1, Settings.SHUTDOWN_TIMEOUT.toSeconds()));
    }

    /**
     * Ends the run once the exchanges still in flight have finished, the queues are empty and no
     * ship's completion is in progress: the last chunk's own exchange (which asks for the stop), its
     * ship's tally and the completion that tally may start. Camel's graceful shutdown would wait for
     * them too, but it looks again only once a second, which is longer than the whole tail of a run.
     * The planning timer is halted first: a tick that fired between this wait and Camel's own look
     * would be in flight there and cost that second. The queues count because the last two chunks
     * finish nearly together: the first one's tally may see both done and ask for the stop while the
     * second one's tally still waits in {@code seda:completions}, where no exchange is in flight yet
     * but Camel's stop will wait for it.
     */
    void stopWhenIdle() {
        Thread stopper = new Thread(() -> {
            haltPlanningTicks(quartz, quartzDataSource != null);
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
     * completes the ship.
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
     * was paused meanwhile.
     */
    static void haltPlanningTicks(QuartzComponent quartz, boolean clustered) {
        try {
            if (quartz.getScheduler() == null) {
                return;
            }
            if (clustered) {
                // A clustered trigger is the other processes' too: pausing it would stop their
                // planning. This process leaves the cluster instead, once a pass it runs has ended,
                // so no tick fires here after the routes stop.
                quartz.getScheduler().shutdown(true);
                return;
            }
            quartz.getScheduler().pauseAll();
            quartz.getScheduler().standby();
        } catch (org.quartz.SchedulerException e) {
            LOG.debug("could not halt the planning timer before the stop: {}", e.getMessage());
        }
    }

    /**
     * Quartz's own shutdown waits for its idle worker threads, which notice only every 500 ms; the
     * routes have already finished their exchanges by the time Camel stops the component, so
     * nothing is left for an interrupt to cut short.
     */
    static QuartzComponent quartz() {
        // Quartz's defaults (its own quartz.properties) but one thread instead of ten: the planning
        // tick is the only job.
        Properties scheduler = new Properties();
        scheduler.setProperty("org.quartz.scheduler.instanceName", "migrator");
        scheduler.setProperty("org.quartz.threadPool.class", PlanningThreadPool.class.getName());
        scheduler.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
        scheduler.setProperty("org.quartz.jobStore.misfireThreshold", "60000");
        return quartz(scheduler);
    }

    private static QuartzComponent quartz(Properties scheduler) {
        QuartzComponent quartz = new QuartzComponent();
        quartz.setInterruptJobsOnShutdown(true);
        // Nothing manages the scheduler over JMX.
        quartz.setEnableJmx(false);
        quartz.setProperties(scheduler);
        return quartz;
    }
}
