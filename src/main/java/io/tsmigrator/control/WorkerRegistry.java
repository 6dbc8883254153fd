package io.tsmigrator.control;

import io.tsmigrator.ledger.ControlSchema;

import javax.sql.DataSource;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * {@code <control-schema>.worker}: every process of a job heartbeats its row (every third of a
 * lease), so any process can list who works on the job. A worker not seen for a lease is not alive;
 * its chunks' leases have expired by then and other processes take them over.
 */
public final class WorkerRegistry {

    public record Worker(String id, String host, long pid, Instant startedAt, Instant lastSeen, boolean alive,
                         int chunksInHand, double rowsPerSecond) {
    }

    private final DataSource dataSource;
    private final String worker;
    private final String chunk;
    private final String job;
    private final String id;
    private final Duration lease;
    private final Instant startedAt = Instant.now();
    private final IntSupplier chunksInHand;

    public WorkerRegistry(DataSource dataSource, ControlSchema schema, String job, String id, Duration lease, IntSupplier chunksInHand) {
        this.chunksInHand = chunksInHand;
        this.dataSource = dataSource;
        this.worker = schema.table("worker");
        this.chunk = schema.table("chunk");
        this.job = job;
        this.id = id;
        this.lease = lease;
    }

    /** Records that this process is alive, with its chunks in hand and its narrow rows/s over the last minute. */
    public void heartbeat() throws SQLException {
        String sql = "INSERT INTO " + worker + " (id, job, host, pid, started_at, last_seen, chunks_in_hand, rows_per_second)"
                + " SELECT ?, ?, ?, ?, ?, now(), ?, coalesce(sum(rows_read), 0) / 60.0 FROM " + chunk
                + "  WHERE job = ? AND status = 'DONE' AND finished_at > now() - interval '1 minute' AND owner = ?"
                + " ON CONFLICT (id) DO UPDATE SET last_seen = now(), chunks_in_hand = excluded.chunks_in_hand,"
                + " rows_per_second = excluded.rows_per_second";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, id);
            ps.setString(2, job);
            ps.setString(3, host());
            ps.setLong(4, ProcessHandle.current().pid());
            ps.setObject(5, java.time.OffsetDateTime.ofInstant(startedAt, java.time.ZoneOffset.UTC));
            ps.setInt(6, chunksInHand.getAsInt());
            ps.setString(7, job);
            ps.setString(8, id);
            ps.executeUpdate();
        }
    }

    /** The job's workers seen within the last day, most recently seen first. */
    public List<Worker> list() throws SQLException {
        String sql = "SELECT id, host, pid, started_at, last_seen, last_seen > now() - ? * interval '1 millisecond', chunks_in_hand, rows_per_second"
                + " FROM " + worker + " WHERE job = ? AND last_seen > now() - interval '1 day' ORDER BY last_seen DESC, id LIMIT 100";
        List<Worker> workers = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, lease.toMillis());
            ps.setString(2, job);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    workers.add(new Worker(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getTimestamp(4).toInstant(),
                            rs.getTimestamp(5).toInstant(), rs.getBoolean(6), rs.getInt(7), rs.getDouble(8)));
                }
            }
        }
        return workers;
    }

    public String id() {
        return id;
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            String name = ManagementFactory.getRuntimeMXBean().getName();
            return name.substring(name.indexOf('@') + 1);
        }
    }
}
