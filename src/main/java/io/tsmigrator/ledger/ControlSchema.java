package io.tsmigrator.ledger;

import io.tsmigrator.config.Identifiers;
import io.tsmigrator.db.BackgroundWork;
import io.tsmigrator.db.Transactions;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The migrator's own tables in the target database: the chunk ledger, failures, dead letters,
 * per-ship completions, the operators' controls, the worker registry, the planning passes and
 * Quartz's cluster tables. Created idempotently under an advisory lock, so
 * several processes may start at once.
 */
public final class ControlSchema {

    private final String schema;

    public ControlSchema(String schema) {
        this.schema = Identifiers.quote(schema);
    }

    /** The schema's name, quoted. */
    public String quoted() {
        return schema;
    }

    public String table(String name) {
        return schema + "." + name;
    }

    /**
     * Starts {@link #create} on its own thread. In a backend that has just started, the DDL takes
     * 20-50 ms (its catalog caches are cold), which a run can spend reading the source's catalog.
     */
    public BackgroundWork<Void> createInBackground(DataSource dataSource) {
        return BackgroundWork.start("creating the control schema", () -> {
            create(dataSource);
            return null;
        });
    }

    public void create(DataSource dataSource) throws SQLException {
        Transactions.inTransaction(dataSource, c -> {
            try (Statement s = c.createStatement()) {
                Transactions.boundDdl(c);
                s.execute("SELECT pg_advisory_xact_lock(hashtext('timeseries-migrator control schema'))");
                Transactions.createSchemaIfAbsent(c, schema);
                s.addBatch("CREATE TABLE IF NOT EXISTS " + table("chunk") + " ("
                        + " id bigserial PRIMARY KEY,"
                        + " job text NOT NULL,"
                        + " ship_id text NOT NULL,"
                        + " window_start timestamptz NOT NULL,"
                        + " window_end timestamptz NOT NULL,"
                        + " parent_id bigint REFERENCES " + table("chunk") + " (id),"
                        + " status text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING','RUNNING','DONE','SPLIT','FAILED')),"
                        + " attempts int NOT NULL DEFAULT 0,"
                        + " owner text,"
                        + " lease_until timestamptz,"
                        + " claimed_at timestamptz,"
                        + " rows_read bigint,"
                        + " rows_written bigint,"
                        + " duplicates bigint,"
                        + " rows_skipped bigint,"
                        + " started_at timestamptz,"
                        + " attempt_started_at timestamptz,"
                        + " finished_at timestamptz,"
                        + " elapsed_ms bigint,"
                        + " last_sql_state text,"
                        + " last_error text,"
                        + " replay_batch text,"
                        + " created_at timestamptz NOT NULL DEFAULT now(),"
                        + " updated_at timestamptz NOT NULL DEFAULT now(),"
                        + " CHECK (window_end > window_start),"
                        + " UNIQUE (job, ship_id, window_start, window_end))");
                // ledgers written before replay existed
                s.addBatch("ALTER TABLE " + table("chunk") + " ADD COLUMN IF NOT EXISTS replay_batch text");
                // readings of channels the mapping leaves out (migrator.channels.unmapped=skip), per chunk
                s.addBatch("ALTER TABLE " + table("chunk") + " ADD COLUMN IF NOT EXISTS rows_skipped bigint");
                // The chunks still to do, in claim order: a claim, the check whether a ship is finished and the
                // check whether anything is left read a few entries of it, however many chunks are DONE. Partial,
                // so a chunk leaves it when it is done. The index on every status (ledgers before it) is dropped:
                // each claim and each DONE had to update it and nothing reads it any more.
                s.addBatch("CREATE INDEX IF NOT EXISTS chunk_ready_idx ON " + table("chunk") + " (job, ship_id, window_start)"
                        + " WHERE status IN ('PENDING', 'RUNNING')");
                s.addBatch("CREATE INDEX IF NOT EXISTS chunk_failed_idx ON " + table("chunk") + " (job, ship_id) WHERE status = 'FAILED'");
                s.addBatch("DROP INDEX IF EXISTS " + schema + ".chunk_claim_idx");
                s.addBatch("CREATE INDEX IF NOT EXISTS chunk_owner_idx ON " + table("chunk") + " (owner) WHERE status = 'RUNNING'");
                s.addBatch("CREATE TABLE IF NOT EXISTS " + table("dead_letter") + " ("
                        + " id bigserial PRIMARY KEY,"
                        + " job text NOT NULL,"
                        + " chunk_id bigint NOT NULL REFERENCES " + table("chunk") + " (id),"
                        + " ship_id text NOT NULL,"
                        + " window_start timestamptz NOT NULL,"
                        + " window_end timestamptz NOT NULL,"
                        + " attempts int NOT NULL,"
                        + " sql_state text,"
                        + " error text NOT NULL,"
                        + " elapsed_ms bigint,"
                        + " failed_at timestamptz NOT NULL DEFAULT now(),"
                        + " replayed_at timestamptz,"
                        + " replay_outcome text)");
                s.addBatch("CREATE INDEX IF NOT EXISTS dead_letter_open_idx ON " + table("dead_letter") + " (job, ship_id) WHERE replayed_at IS NULL");
                s.addBatch("CREATE TABLE IF NOT EXISTS " + table("failure") + " ("
                        + " id bigserial PRIMARY KEY,"
                        + " job text NOT NULL,"
                        + " chunk_id bigint NOT NULL REFERENCES " + table("chunk") + " (id),"
                        + " ship_id text NOT NULL,"
                        + " attempt int NOT NULL,"
                        + " kind text NOT NULL,"
                        + " sql_state text,"
                        + " error text NOT NULL,"
                        + " elapsed_ms bigint NOT NULL,"
                        + " failed_at timestamptz NOT NULL DEFAULT now())");
                s.addBatch("CREATE INDEX IF NOT EXISTS failure_job_idx ON " + table("failure") + " (job, ship_id)");
                s.addBatch("CREATE TABLE IF NOT EXISTS " + table("ship_completion") + " ("
                        + " job text NOT NULL,"
                        + " ship_id text NOT NULL,"
                        + " chunks int NOT NULL,"
                        + " source_rows bigint NOT NULL,"
                        + " wide_rows bigint NOT NULL,"
                        + " started_at timestamptz,"
                        + " completed_at timestamptz NOT NULL,"
                        + " PRIMARY KEY (job, ship_id))");
                // planning: what each ship's probes have covered, and the source's change marks being re-migrated
                s.addBatch("CREATE TABLE IF NOT EXISTS " + table("ship_plan") + " ("
                        + " job text NOT NULL,"
                        + " ship_id text NOT NULL,"
                        + " probed_from timestamptz NOT NULL,"
                        + " probed_until timestamptz NOT NULL,"
                        + " PRIMARY KEY (job, ship_id))");
                s.addBatch("CREATE TABLE IF NOT EXISTS " + table("remigration") + " ("
                        + " job text NOT NULL,"
                        + " ship_id text NOT NULL,"
                        + " window_start timestamptz NOT NULL,"
                        + " window_end timestamptz NOT NULL,"
                        + " version bigint NOT NULL,"
                        + " accepted_at timestamptz NOT NULL DEFAULT now(),"
                        + " PRIMARY KEY (job, ship_id, window_start))");
                // the progress figures and the throttle read the recently finished chunks through this
                s.addBatch("CREATE INDEX IF NOT EXISTS chunk_finished_idx ON " + table("chunk") + " (job, finished_at) WHERE status = 'DONE'");
                // operators' controls (pause, throttle), read by every process of the job
                s.addBatch("CREATE TABLE IF NOT EXISTS " + table("control") + " ("
                        + " job text PRIMARY KEY,"
                        + " paused boolean NOT NULL DEFAULT false,"
                        + " max_rows_per_second bigint CHECK (max_rows_per_second > 0),"
                        + " max_lanes int CHECK (max_lanes > 0),"
                        + " updated_at timestamptz NOT NULL DEFAULT now())");
                // the processes working on a job, each heartbeating its row
                s.addBatch("CREATE TABLE IF NOT EXISTS " + table("worker") + " ("
                        + " id text PRIMARY KEY,"
                        + " job text NOT NULL,"
                        + " host text NOT NULL,"
                        + " pid bigint NOT NULL,"
                        + " started_at timestamptz NOT NULL,"
                        + " last_seen timestamptz NOT NULL,"
                        + " chunks_in_hand int NOT NULL DEFAULT 0,"
                        + " rows_per_second double precision NOT NULL DEFAULT 0)");
                // Who planned when (PlanPassLog): one process plans at a time, and a process that did
                // not plan knows a pass has finished since it started.
                s.addBatch("CREATE TABLE IF NOT EXISTS " + table(PlanPassLog.TABLE) + " ("
                        + " id bigserial PRIMARY KEY,"
                        + " job text NOT NULL,"
                        + " owner text NOT NULL,"
                        + " started_at timestamptz NOT NULL DEFAULT clock_timestamp(),"
                        + " finished_at timestamptz,"
                        + " chunks_added int)");
                s.addBatch("CREATE INDEX IF NOT EXISTS plan_pass_job_idx ON " + table(PlanPassLog.TABLE) + " (job, started_at)");
                // Quartz's clustered JobStore, which elects the planning process
                for (String quartz : QuartzTables.statements(schema)) {
                    s.addBatch(quartz);
                }
                // One batch, one round trip: this runs at every start, and a far database makes each statement count.
                s.executeBatch();
            }
        });
    }
}
