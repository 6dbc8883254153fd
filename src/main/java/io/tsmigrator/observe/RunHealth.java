package io.tsmigrator.observe;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import javax.sql.DataSource;
import java.sql.Connection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The run's part of {@code /observe/health} (liveness and readiness): UP while the source and the
 * target answer within {@link #TIMEOUT_SECONDS} and the run has not failed. A pool waits up to its
 * connection timeout for a connection, longer than a probe waits, so the check gives up first.
 */
public final class RunHealth extends AbstractHealthCheck {

    static final int TIMEOUT_SECONDS = 3;

    private final Map<String, DataSource> databases = new LinkedHashMap<>();
    private volatile String failure;

    public RunHealth(DataSource source, DataSource target) {
        super("migrator", "run");
        databases.put("source", source);
        databases.put("target", target);
    }

    /** Marks the run failed (e.g. it cannot go on); health stays DOWN. */
    public void failed(String why) {
        failure = why;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.up();
        if (failure != null) {
            builder.down().message(failure);
            return;
        }
        for (Map.Entry<String, DataSource> db : databases.entrySet()) {
            String problem = answers(db.getValue());
            builder.detail(db.getKey(), problem == null ? "UP" : "DOWN");
            if (problem != null) {
                builder.down().message("the " + db.getKey() + " database does not answer: " + problem);
            }
        }
    }

    private static String answers(DataSource dataSource) {
        CompletableFuture<String> check = CompletableFuture.supplyAsync(() -> {
            try (Connection c = dataSource.getConnection()) {
                return c.isValid(TIMEOUT_SECONDS) ? null : "no answer";
            } catch (Exception e) {
                return io.tsmigrator.config.Secrets.scrub(e.getMessage());
            }
        });
        try {
            return check.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            return "no answer within " + TIMEOUT_SECONDS + " s";
        } catch (Exception e) {
            return e.getMessage();
        }
    }
}
