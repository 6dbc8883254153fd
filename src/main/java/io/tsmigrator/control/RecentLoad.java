package io.tsmigrator.control;

import io.tsmigrator.ledger.ControlSchema;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;

/**
 * What the whole job (every process) is doing right now, for the throttle: the narrow rows of the
 * chunks finished in the last few seconds and the chunks in progress. Reads only the recent DONE
 * chunks and the RUNNING ones, through their indexes, whatever the ledger's size.
 */
final class RecentLoad {

    /** @param averageRows narrow rows of a chunk finished in the last minutes, 0 when none finished */
    record Load(long rowsFinished, long running, double averageRows) {
    }

    private final DataSource dataSource;
    private final String chunk;
    private final String job;

    RecentLoad(DataSource dataSource, ControlSchema schema, String job) {
        this.dataSource = dataSource;
        this.chunk = schema.table("chunk");
        this.job = job;
    }

    Load over(Duration window) throws SQLException {
        // the average chunk comes from a longer span than the window: a window without a finished
        // chunk must not make the chunks in progress weigh nothing
        String sql = "SELECT coalesce(sum(rows_read) FILTER (WHERE status = 'DONE' AND finished_at > now() - ? * interval '1 millisecond'), 0),"
                + " count(*) FILTER (WHERE status = 'RUNNING'), coalesce(avg(rows_read) FILTER (WHERE status = 'DONE'), 0) FROM ("
                + " SELECT status, rows_read, finished_at FROM " + chunk + " WHERE job = ? AND status = 'DONE' AND finished_at > now() - interval '5 minutes'"
                + " UNION ALL SELECT status, NULL, NULL FROM " + chunk + " WHERE job = ? AND status = 'RUNNING' AND lease_until > now()) recent";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, window.toMillis());
            ps.setString(2, job);
            ps.setString(3, job);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Load(rs.getLong(1), rs.getLong(2), rs.getDouble(3));
            }
        }
    }
}
