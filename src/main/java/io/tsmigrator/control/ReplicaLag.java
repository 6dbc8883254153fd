package io.tsmigrator.control;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * How far the source's replicas are behind, from {@code pg_stat_replication} on the source (its
 * {@code replay_lag}: what a query on a replica would miss). Seen only by a superuser or a member
 * of pg_monitor; otherwise, and without replicas, the lag reads as none.
 */
public final class ReplicaLag {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaLag.class);

    private final DataSource source;
    private final Duration max;

    /** @param max the lag above which claims pause */
    public ReplicaLag(DataSource source, Duration max) {
        this.source = source;
        this.max = max;
    }

    public Duration max() {
        return max;
    }

    /** The largest replay lag of the source's replicas, zero without any; null when it cannot be read. */
    public Duration current() {
        try (Connection c = source.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT coalesce(max(extract(epoch FROM replay_lag)), 0) FROM pg_stat_replication")) {
            rs.next();
            return Duration.ofMillis(Math.round(rs.getDouble(1) * 1000));
        } catch (SQLException e) {
            LOG.debug("cannot read the replicas' lag: {}", e.getMessage());
            return null;
        }
    }
}
