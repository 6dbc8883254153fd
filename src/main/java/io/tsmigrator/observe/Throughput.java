package io.tsmigrator.observe;

import io.tsmigrator.ledger.ControlSchema;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Narrow rows per second over the recent past, in equal buckets of finish time, for the status
 * page's chart: reads only the chunks finished in that span, through the finished-at index.
 */
public final class Throughput {

    static final Duration SPAN = Duration.ofMinutes(10);
    static final int BUCKETS = 60;

    private final DataSource dataSource;
    private final String chunk;
    private final String job;

    public Throughput(DataSource dataSource, ControlSchema schema, String job) {
        this.dataSource = dataSource;
        this.chunk = schema.table("chunk");
        this.job = job;
    }

    public List<StatusView.Point> recent() throws SQLException {
        long step = SPAN.toSeconds() / BUCKETS;
        String sql = "SELECT floor(extract(epoch FROM finished_at) / ?)::bigint * ?, sum(rows_read) FROM " + chunk
                + " WHERE job = ? AND status = 'DONE' AND finished_at > now() - ? * interval '1 second' GROUP BY 1 ORDER BY 1";
        List<StatusView.Point> points = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, step);
            ps.setLong(2, step);
            ps.setString(3, job);
            ps.setLong(4, SPAN.toSeconds());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    points.add(new StatusView.Point(rs.getLong(1), rs.getLong(2) / (double) step));
                }
            }
        }
        return points;
    }
}
