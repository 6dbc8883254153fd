package io.tsmigrator.observe;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tsmigrator.control.ControlState;
import io.tsmigrator.control.Controls;
import io.tsmigrator.migrate.ChunkResult;

import java.sql.SQLException;
import java.time.Duration;
import java.util.function.ToDoubleFunction;

/**
 * The {@code migrator_*} series on {@code /observe/metrics}. The job's figures come from the
 * ledger (through the {@link ProgressCache}, read at most every few seconds whatever the scrape
 * rate), so they are the job's, across processes and restarts; the chunk-duration histogram is this
 * process's own chunks. Without an HTTP server there is no registry, and recording does nothing.
 */
public final class MigratorMetrics {

    private static final Duration MAX_AGE = Duration.ofSeconds(5);

    private final ProgressCache progress;
    private Timer chunkDuration;

    public MigratorMetrics(ProgressCache progress) {
        this.progress = progress;
    }

    /** Registers the series with Camel's Prometheus registry. */
    public void bindTo(MeterRegistry registry, Controls controls) {
        gauge(registry, "migrator_narrow_rows", "Narrow rows migrated (DONE chunks) in the job", Progress::narrowRows);
        gauge(registry, "migrator_wide_rows", "Wide rows written (DONE chunks) in the job", Progress::wideRows);
        for (String status : new String[] {"pending", "running", "done", "split", "failed"}) {
            Gauge.builder("migrator_chunks", this, m -> m.figure(p -> switch (status) {
                case "pending" -> p.pending();
                case "running" -> p.running();
                case "done" -> p.done();
                case "split" -> p.splits();
                default -> p.failed();
            })).description("Chunks of the job by status").tag("status", status).register(registry);
        }
        gauge(registry, "migrator_retries", "Failed attempts that were retried", Progress::retries);
        gauge(registry, "migrator_splits", "Chunks split into halves", Progress::splits);
        gauge(registry, "migrator_dead_letters_open", "Dead letters not replayed", Progress::openDeadLetters);
        gauge(registry, "migrator_rows_per_second", "Narrow rows per second over the last minute", Progress::rowsPerSecondLastMinute);
        gauge(registry, "migrator_eta_seconds", "Time left at the recent pace (NaN while unknown)",
                p -> p.eta() == null ? Double.NaN : p.eta().toSeconds());
        gauge(registry, "migrator_lag_seconds", "Now minus the end of the newest migrated window, largest over the ships (NaN before any)",
                p -> p.lag() == null ? Double.NaN : p.lag().toMillis() / 1000.0);
        gauge(registry, "migrator_changed_windows_waiting", "Windows change capture marked that wait to be migrated again (NaN without capture)",
                p -> p.changedWindowsWaiting() == null ? Double.NaN : p.changedWindowsWaiting());
        Gauge.builder("migrator_paused", controls, c -> {
            try {
                ControlState s = c.state();
                return s.paused() ? 1 : 0;
            } catch (SQLException e) {
                return Double.NaN;
            }
        }).description("1 while an operator has paused the job").register(registry);
        Gauge.builder("migrator_claims_held", controls, c -> c.closedBecause() == null ? 0 : 1)
                .description("1 while this process holds back claims (paused, throttled or replica lag)").register(registry);
        FunctionCounter.builder("migrator_claims_refused", controls, Controls::refusals)
                .description("Claims this process held back").register(registry);
        chunkDuration = Timer.builder("migrator_chunk_duration").description("Time to migrate a chunk (this process)")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(30))
                .register(registry);
    }

    /** Called with each finished chunk; the message goes on unchanged. */
    public void chunkDone(ChunkResult result) {
        Timer timer = chunkDuration;
        if (timer != null && result != null) {
            timer.record(Duration.ofMillis(result.elapsedMillis()));
        }
    }

    private void gauge(MeterRegistry registry, String name, String description, ToDoubleFunction<Progress> figure) {
        Gauge.builder(name, this, m -> m.figure(figure)).description(description).register(registry);
    }

    private double figure(ToDoubleFunction<Progress> figure) {
        try {
            return figure.applyAsDouble(progress.get(MAX_AGE));
        } catch (SQLException | RuntimeException e) {
            return Double.NaN;
        }
    }
}
