package io.tsmigrator.run;

import io.tsmigrator.ledger.QuartzTables;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import java.util.UUID;

/**
 * The planning timer's Quartz scheduler with the clustered JDBC JobStore: every process of a job
 * joins one cluster whose state lives in the control schema ({@link QuartzTables}), and Quartz fires
 * each planning tick on one of them; when that process dies, another takes the trigger over after
 * a missed check-in. Quartz gets its connections from the migrator's control pool through a
 * {@link ConnectionProvider}, so it holds no credentials of its own.
 */
final class ClusteredQuartz {

    /**
     * How often a process tells the cluster it is alive. A process that missed a check-in by this
     * much again is taken for dead and its trigger recovered: a planner lost to a crash is replaced
     * within about two of these (Quartz's default is 7.5 s).
     */
    static final long CHECKIN_INTERVAL_MS = 5_000;
    /**
     * How long an idle scheduler thread sleeps before looking for a trigger again: once per planning
     * interval, Quartz's least. A process that is not the current planner is blind this long after the
     * planner stopped cleanly, and a batch process waits for a pass before it ends (with 5 s, two
     * processes' 3 s job once took 20 s); one query a second per process is nothing beside a migration.
     */
    static final long IDLE_WAIT_MS = 1_000;

    private ClusteredQuartz() {
    }

    /**
     * @param quotedSchema the control schema, quoted
     * @param job the job the cluster plans (one cluster per job: the scheduler's name carries it)
     * @param dataSourceName the name under which {@link #provide} registers the connections
     * @param instanceId this process's name in the cluster: its owner id, unique per process (Quartz's
     *                   AUTO id is the host name and the start's millisecond, which two processes
     *                   started together on one host can share, and then the cluster takes them for one)
     */
    static Properties properties(String quotedSchema, String job, String dataSourceName, String instanceId) {
        Properties p = new Properties();
        String name = "migrator " + job;
        p.setProperty("org.quartz.scheduler.instanceName", name.length() > 120 ? name.substring(0, 120) : name);
        p.setProperty("org.quartz.scheduler.instanceId", instanceId);
        p.setProperty("org.quartz.scheduler.idleWaitTime", String.valueOf(IDLE_WAIT_MS));
        // one thread: the planning tick is the only job
        p.setProperty("org.quartz.threadPool.class", PlanningThreadPool.class.getName());
        p.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
        p.setProperty("org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
        p.setProperty("org.quartz.jobStore.tablePrefix", QuartzTables.tablePrefix(quotedSchema));
        p.setProperty("org.quartz.jobStore.isClustered", "true");
        p.setProperty("org.quartz.jobStore.clusterCheckinInterval", String.valueOf(CHECKIN_INTERVAL_MS));
        p.setProperty("org.quartz.jobStore.misfireThreshold", "60000");
        p.setProperty("org.quartz.jobStore.dataSource", dataSourceName);
        return p;
    }

    /** A data source name of this process's own (Quartz keeps its providers in a JVM-wide registry). */
    static String dataSourceName() {
        return "migrator-control-" + UUID.randomUUID();
    }

    /** Hands Quartz the control pool under {@code name}; must happen before the scheduler starts. */
    static void provide(String name, DataSource control) {
        DBConnectionManager.getInstance().addConnectionProvider(name, new ConnectionProvider() {
            @Override
            public Connection getConnection() throws SQLException {
                return control.getConnection();
            }

            @Override
            public void shutdown() {
                // the pool is the run's; it closes it
            }

            @Override
            public void initialize() {
                // nothing to set up: the pool is open
            }
        });
    }
}
