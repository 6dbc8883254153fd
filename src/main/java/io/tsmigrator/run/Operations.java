package io.tsmigrator.run;

import io.micrometer.core.instrument.MeterRegistry;
import io.tsmigrator.config.Settings;
import io.tsmigrator.control.BearerToken;
import io.tsmigrator.control.ControlApi;
import io.tsmigrator.control.Controls;
import io.tsmigrator.control.ReplicaLag;
import io.tsmigrator.control.WorkerRegistry;
import io.tsmigrator.db.Pools;
import io.tsmigrator.deadletter.DeadLetterSelection;
import io.tsmigrator.ledger.ControlSchema;
import io.tsmigrator.ledger.InFlightChunks;
import io.tsmigrator.ledger.Requeue;
import io.tsmigrator.observe.ChunkMap;
import io.tsmigrator.observe.HttpErrors;
import io.tsmigrator.observe.MigratorMetrics;
import io.tsmigrator.observe.ProgressCache;
import io.tsmigrator.observe.ProgressLog;
import io.tsmigrator.observe.ProgressQuery;
import io.tsmigrator.observe.RunHealth;
import io.tsmigrator.observe.StatusApi;
import io.tsmigrator.observe.StatusPage;
import io.tsmigrator.observe.Throughput;
import io.tsmigrator.plan.ChunkClaims;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.main.Main;

/**
 * What a run adds for its operators: the claim gate (pause, throttle, replica lag) every claim
 * asks, the progress line, the worker heartbeat, and, when {@code camel.server.port} is set, the
 * status page, its API, the controls, health and metrics. The beans are bound for the routes in
 * {@code routes/observe.camel.yaml} and {@code routes/http/}.
 */
final class Operations {

    /** The name camel-micrometer-prometheus looks its registry up by (MicrometerConstants.METRICS_REGISTRY_NAME). */
    static final String METRICS_REGISTRY = "metricsRegistry";

    private final StatusApi status;

    private Operations(StatusApi status) {
        this.status = status;
    }

    /**
     * @param batch the run's replay batch (null for a plain run): a dead letter replayed from the page joins it
     */
    static Operations wire(Main main, Settings settings, Pools pools, ControlSchema schema, String job, String owner, String batch,
                           ChunkClaims claims, Requeue requeue, InFlightChunks inFlight) {
        ReplicaLag replicas = settings.maxReplicaLag() == null ? null : new ReplicaLag(pools.read(), settings.maxReplicaLag());
        Controls controls = new Controls(pools.control(), schema, job, replicas);
        claims.gateWith(controls);
        ProgressCache progress = new ProgressCache(new ProgressQuery(pools.control(), schema, job));
        WorkerRegistry workers = new WorkerRegistry(pools.control(), schema, job, owner, settings.lease(), () -> inFlight.snapshot().length);
        MigratorMetrics metrics = new MigratorMetrics(progress);
        main.bind("progressLog", new ProgressLog(progress, controls));
        main.bind("workerRegistry", workers);
        main.bind("migratorMetrics", metrics);
        if (!settings.serves()) {
            return new Operations(null);
        }
        StatusApi status = new StatusApi(job, progress, controls, workers, new DeadLetterSelection(pools.control(), schema, job),
                new Throughput(pools.control(), schema, job), new ChunkMap(pools.control(), schema, job), !settings.httpToken().isEmpty());
        main.bind("statusApi", status);
        main.bind("statusPage", new StatusPage());
        main.bind("httpErrors", new HttpErrors());
        main.bind("controlApi", new ControlApi(new BearerToken(settings.httpToken()), controls, requeue, batch == null ? "status-page" : batch));
        MeterRegistry registry = main.getCamelContext().getRegistry().lookupByNameAndType(METRICS_REGISTRY, MeterRegistry.class);
        if (registry != null) {
            metrics.bindTo(registry, controls);
        }
        RunHealth runHealth = new RunHealth(pools.read(), pools.control());
        HealthCheckRegistry health = HealthCheckRegistry.get(main.getCamelContext());
        if (health != null) {
            runHealth.setCamelContext(main.getCamelContext());
            health.register(runHealth);
        } else {
            // the registry, once it starts, takes the health checks it finds among the beans
            main.bind("runHealth", runHealth);
        }
        return new Operations(status);
    }

    /** The run has nothing left to do; the status says so until the process ends. */
    void finished() {
        if (status != null) {
            status.finished();
        }
    }
}
