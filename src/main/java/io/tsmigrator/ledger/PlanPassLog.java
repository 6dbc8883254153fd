package io.tsmigrator.ledger;

import io.tsmigrator.db.Transactions;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;

/**
 * {@code <control-schema>.plan_pass}: one row per planning pass of a job, who ran it and when. A pass
 * starts only while no other pass of the job is unfinished (a pass whose process died counts as
 * finished after a lease), so planning passes never overlap even if Quartz fires a trigger twice.
 * Rows older than a day are dropped as passes finish: a follow run plans every few seconds for days.
 */
public final class PlanPassLog {

    public static final String TABLE = "plan_pass";

    private final DataSource dataSource;
    private final String table;
    private final String job;
    private final String lockKey;

    public PlanPassLog(DataSource dataSource, ControlSchema schema, String job) {
        this.dataSource = dataSource;
        this.table = schema.table(TABLE);
        this.job = job;
        this.lockKey = "timeseries-migrator planning " + table + " " + job;
    }

    /** Records the start of a pass by {@code owner}; null when another pass is still running. */
    public Long begin(String owner, Duration lease) throws SQLException {
        Long[] id = new Long[1];
        Transactions.inTransaction(dataSource, c -> {
            try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
                lock.setString(1, lockKey);
                lock.execute();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (job, owner) SELECT ?, ?"
                    + " WHERE NOT EXISTS (SELECT 1 FROM " + table + " WHERE job = ? AND finished_at IS NULL"
                    + " AND started_at > clock_timestamp() - ? * interval '1 millisecond') RETURNING id")) {
                ps.setString(1, job);
                ps.setString(2, owner);
                ps.setString(3, job);
                ps.setLong(4, lease.toMillis());
                try (ResultSet rs = ps.executeQuery()) {
                    id[0] = rs.next() ? rs.getLong(1) : null;
                }
            }
        });
        return id[0];
    }

    public void finish(long id, Integer chunksAdded) throws SQLException {
        try (Connection c = Transactions.forReads(dataSource);
             PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET finished_at = clock_timestamp(), chunks_added = ?"
                     + " WHERE id = ?; DELETE FROM " + table + " WHERE job = ? AND started_at < clock_timestamp() - interval '1 day'")) {
            if (chunksAdded == null) {
                ps.setNull(1, java.sql.Types.INTEGER);
            } else {
                ps.setInt(1, chunksAdded);
            }
            ps.setLong(2, id);
            ps.setString(3, job);
            ps.execute();
        }
    }

    /** The database's clock, which every process of the job shares. */
    public Instant now() throws SQLException {
        try (Connection c = Transactions.forReads(dataSource); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT clock_timestamp()")) {
            rs.next();
            return rs.getTimestamp(1).toInstant();
        }
    }

    /** Whether a pass that started at or after {@code since} has finished. */
    public boolean finishedSince(Instant since) throws SQLException {
        try (Connection c = Transactions.forReads(dataSource);
             PreparedStatement ps = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM " + table
                     + " WHERE job = ? AND started_at >= ? AND finished_at IS NOT NULL)")) {
            ps.setString(1, job);
            ps.setObject(2, java.time.OffsetDateTime.ofInstant(since, java.time.ZoneOffset.UTC));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }
}
