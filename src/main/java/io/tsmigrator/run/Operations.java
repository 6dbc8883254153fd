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
import io.tsmigrator.ledger.ChunkLedger;
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
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheckRegistry;

/**
 * What a run adds for its operators: the claim gate (pause, throttle, replica lag) every claim
 * asks, the progress line, the worker heartbeat, and, when {@code camel.server.port} is set, the
 * status page, its API, the controls, health and metrics. The beans are named for the routes in
 * {@code routes/observe.camel.yaml} and {@code routes/http/}.
 */
final class Operations {

    /** The name camel-micrometer-prometheus looks its registry up by (MicrometerConstants.METRICS_REGISTRY_NAME). */
    static final String METRICS_REGISTRY = "metricsRegistry";

    private final Settings settings;
    private final Pools pools;
    private final Controls controls;
    private final MigratorMetrics metrics;
    private final RunBeans beans = new RunBeans();
    private StatusApi status;

    /**
     * @param batch the run's replay batch (null for a plain run): a dead letter replayed from the page joins it
     */
    Operations(Settings settings, Pools pools, ControlSchema schema, ChunkLedger ledger, String owner, String batch, ChunkClaims claims,
               InFlightChunks inFlight) {
        this.settings = settings;
        this.pools = pools;
        String job = ledger.job();
        ReplicaLag replicas = settings.maxReplicaLag() == null ? null : new ReplicaLag(pools.read(), settings.maxReplicaLag());
        controls = new Controls(pools.control(), schema, job, replicas);
        claims.gateWith(controls);
        ProgressCache progress = new ProgressCache(new ProgressQuery(pools.control(), schema, job, settings.capturesChanges()));
        WorkerRegistry workers = new WorkerRegistry(pools.control(), schema, job, owner, settings.lease(), () -> inFlight.snapshot().length);
        metrics = new MigratorMetrics(progress);
        beans.put("progressLog", new ProgressLog(progress, controls)).put("workerRegistry", workers).put("migratorMetrics", metrics);
        if (settings.serves()) {
            status = new StatusApi(job, progress, controls, workers, new DeadLetterSelection(pools.control(), schema, job),
                    new Throughput(pools.control(), schema, job), new ChunkMap(pools.control(), schema, job), !settings.httpToken().isEmpty());
            Requeue requeue = new Requeue(pools.control(), ledger, schema);
            beans.put("statusApi", status).put("statusPage", new StatusPage()).put("httpErrors", new HttpErrors())
                    .put("controlApi", new ControlApi(new BearerToken(settings.httpToken()), controls, requeue, batch == null ? "status-page" : batch));
        }
    }

    /** Adds the operators' beans to the run's. */
    RunBeans addTo(RunBeans run) {
        beans.all().forEach(run::put);
        return run;
    }

    /** Once the beans are bound: the metrics join Camel's Prometheus registry and the run's health check its health registry. */
    void attach(CamelContext context) {
        if (!settings.serves()) {
            return;
        }
        MeterRegistry registry = context.getRegistry().lookupByNameAndType(METRICS_REGISTRY, MeterRegistry.class);
        if (registry != null) {
            metrics.bindTo(registry, controls);
        }
        HealthCheckRegistry health = HealthCheckRegistry.get(context);
        if (health != null) {
            RunHealth check = new RunHealth(pools.read(), pools.control());
            check.setCamelContext(context);
            health.register(check);
        }
    }

    /** The run has nothing left to do; the status says so until the process ends. */
    void finished() {
        if (status != null) {
            status.finished();
        }
    }
}
