package io.tsmigrator.capture;

import io.tsmigrator.config.Identifiers;
import io.tsmigrator.db.Transactions;
import io.tsmigrator.source.SourceTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Set;

/**
 * Installs and removes change capture in the source database, in one transaction under the control
 * schema's advisory lock, so that several processes may start at once. Installing is idempotent and
 * touches the source table only when a trigger is missing: a start that finds everything in place
 * takes no lock on the users' table. A function marking another chunk size is replaced (and the log
 * says so); marks taken before keep their own window end.
 */
final class CaptureInstaller {

    private static final Logger LOG = LoggerFactory.getLogger(CaptureInstaller.class);

    /**
     * How long DDL on the source table may wait for its lock. While it waits, every writer that
     * comes after queues behind it, so a long transaction on the table must fail the install rather
     * than stall the users' uploads.
     */
    static final String LOCK_TIMEOUT = "10s";

    /** SQLStates that mean the server will not take the trigger, rather than a passing fault. */
    private static final Set<String> REFUSALS = Set.of(
            "0A000", // feature_not_supported: TimescaleDB hypertables and transition tables
            "42501", // insufficient_privilege: no TRIGGER privilege, a managed service's restriction
            "42809", // wrong_object_type: a view or foreign table
            "55P03"); // lock_not_available: the table stayed locked for LOCK_TIMEOUT

    private final DataSource dataSource;
    private final CaptureObjects objects;
    private final MarkFunction function;
    private final Duration chunkSize;

    CaptureInstaller(DataSource dataSource, CaptureObjects objects, SourceTable source, Duration chunkSize) {
        this.dataSource = dataSource;
        this.objects = objects;
        this.function = new MarkFunction(objects, source, chunkSize);
        this.chunkSize = chunkSize;
    }

    CaptureState state() throws SQLException {
        try (Connection c = SourceConnections.writable(dataSource)) {
            return CaptureState.read(c, objects);
        }
    }

    CaptureState install() throws SQLException {
        try (Connection c = SourceConnections.writable(dataSource)) {
            c.setAutoCommit(false);
            try {
                CaptureState after = install(c);
                c.commit();
                return after;
            } catch (SQLException e) {
                rollback(c);
                SQLException cause = firstCause(e);
                if (cause.getSQLState() != null && REFUSALS.contains(cause.getSQLState())) {
                    throw CaptureUnavailableException.of(objects.source(), cause.getMessage(), cause);
                }
                throw cause;
            } catch (RuntimeException e) {
                rollback(c);
                throw e;
            }
        }
    }

    private CaptureState install(Connection c) throws SQLException {
        if (c.getMetaData().getDatabaseMajorVersion() < 14) {
            throw CaptureUnavailableException.of(objects.source(), "it needs PostgreSQL 14 or later (the server is "
                    + c.getMetaData().getDatabaseProductVersion() + ")", null);
        }
        lock(c);
        CaptureState before = CaptureState.read(c, objects);
        if (!before.elsewhere().isEmpty()) {
            throw CaptureUnavailableException.of(objects.source(), "the capture of control schema " + objects.schemaName()
                    + " is installed on " + String.join(", ", before.elsewhere())
                    + " (remove it there with doctor --drop-capture, or use another migrator.control-schema)", null);
        }
        Transactions.createSchemaIfAbsent(c, objects.schema());
        try (Statement s = c.createStatement()) {
            s.addBatch("SET LOCAL lock_timeout = '" + LOCK_TIMEOUT + "'");
            s.addBatch("CREATE SEQUENCE IF NOT EXISTS " + objects.sequence());
            // fillfactor: room on each page for a re-marked window's new version (a HOT update, no index write)
            s.addBatch("CREATE TABLE IF NOT EXISTS " + objects.table() + " ("
                    + " ship_id text NOT NULL,"
                    + " window_start timestamptz NOT NULL,"
                    + " window_end timestamptz NOT NULL,"
                    + " version bigint NOT NULL,"
                    + " marked_at timestamptz NOT NULL DEFAULT now(),"
                    + " PRIMARY KEY (ship_id, window_start)) WITH (fillfactor = 70)");
            boolean replace = !before.function() || !function.body().equals(before.body());
            if (replace) {
                s.addBatch(function.createSql());
                s.addBatch(function.commentSql());
            }
            for (String trigger : objects.triggers()) {
                if (!before.triggers().contains(trigger)) {
                    s.addBatch(triggerSql(trigger));
                }
            }
            s.executeBatch();
            log(before, replace);
        }
        return CaptureState.read(c, objects);
    }

    private void log(CaptureState before, boolean replaced) {
        if (before.absent()) {
            LOG.info("change capture installed on {}: inserts, updates and deletes mark their windows of {} in {}",
                    objects.source(), chunkSize, objects.table());
        } else if (replaced && before.chunkSize().isPresent() && !before.chunkSize().get().equals(chunkSize)) {
            LOG.info("change capture on {} marked windows of {}; replaced to mark windows of {} (marks taken before keep their window)",
                    objects.source(), before.chunkSize().get(), chunkSize);
        } else if (replaced || !before.installed()) {
            LOG.info("change capture on {} completed: windows of {} in {}", objects.source(), chunkSize, objects.table());
        }
    }

    private String triggerSql(String trigger) {
        String event = trigger.equals(objects.insertTrigger()) ? "INSERT ON " + objects.source() + " REFERENCING NEW TABLE AS new_rows"
                : trigger.equals(objects.updateTrigger()) ? "UPDATE ON " + objects.source() + " REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows"
                : "DELETE ON " + objects.source() + " REFERENCING OLD TABLE AS old_rows";
        return "CREATE TRIGGER " + Identifiers.quote(trigger) + " AFTER " + event + " FOR EACH STATEMENT EXECUTE FUNCTION " + objects.function() + "()";
    }

    /** Removes the triggers (wherever they are), the function, the marks and their sequence; the schema stays. */
    void uninstall() throws SQLException {
        try (Connection c = SourceConnections.writable(dataSource)) {
            c.setAutoCommit(false);
            try {
                lock(c);
                try (Statement s = c.createStatement()) {
                    s.addBatch("SET LOCAL lock_timeout = '" + LOCK_TIMEOUT + "'");
                    s.addBatch("DROP FUNCTION IF EXISTS " + objects.functionSignature() + " CASCADE");
                    s.addBatch("DROP TABLE IF EXISTS " + objects.table());
                    s.addBatch("DROP SEQUENCE IF EXISTS " + objects.sequence());
                    s.executeBatch();
                }
                c.commit();
                LOG.info("change capture removed from {}", objects.source());
            } catch (SQLException | RuntimeException e) {
                rollback(c);
                throw e;
            }
        }
    }

    /** A batch's failure reports "batch entry N was aborted" with the statement; the server's own error is the next one. */
    private static SQLException firstCause(SQLException e) {
        return e.getNextException() != null ? e.getNextException() : e;
    }

    private static void lock(Connection c) throws SQLException {
        Transactions.boundDdl(c);
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
            ps.setString(1, CaptureObjects.LOCK_KEY);
            ps.execute();
        }
    }

    private static void rollback(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // a broken connection rolls back on its own; the caller reports the first failure
        }
    }
}
