package io.tsmigrator.observe;

import io.tsmigrator.ledger.ControlSchema;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The status page's chunk map: ships × time, the job's span cut into as many columns as the screen
 * can show, each cell coloured by the most telling status among the windows in it (failed, running,
 * pending, split, done; none where nothing is planned). Aggregated in the database, so the answer is
 * ships × columns cells whatever the ledger's size.
 */
public final class ChunkMap {

    public static final int MAX_COLUMNS = 2000;
    /** Cell values, in order of precedence: what a cell shows when its windows differ. */
    public static final List<String> STATUSES = List.of("none", "done", "split", "pending", "running", "failed");

    /** @param cells per ship, one status index (into {@code statuses}) per column */
    public record View(String from, String to, int columns, List<String> statuses, Map<String, int[]> cells) {
    }

    private final DataSource dataSource;
    private final String chunk;
    private final String job;

    public ChunkMap(DataSource dataSource, ControlSchema schema, String job) {
        this.dataSource = dataSource;
        this.chunk = schema.table("chunk");
        this.job = job;
    }

    public View read(int columns) throws SQLException {
        int n = Math.max(1, Math.min(MAX_COLUMNS, columns));
        // a window covers the columns from its start's to its end's; a column takes its windows' highest rank
        String sql = "WITH r AS (SELECT extract(epoch FROM min(window_start)) AS lo, extract(epoch FROM max(window_end)) AS hi FROM " + chunk + " WHERE job = ?),"
                + " c AS (SELECT ship_id, CASE status WHEN 'DONE' THEN 1 WHEN 'SPLIT' THEN 2 WHEN 'PENDING' THEN 3 WHEN 'RUNNING' THEN 4 ELSE 5 END AS rank,"
                + "   least(?::int - 1, floor((extract(epoch FROM window_start) - r.lo) / (r.hi - r.lo) * ?::int)::int) AS first_col,"
                + "   least(?::int - 1, ceil((extract(epoch FROM window_end) - r.lo) / (r.hi - r.lo) * ?::int)::int - 1) AS last_col"
                + "   FROM " + chunk + ", r WHERE job = ? AND r.hi > r.lo)"
                + " SELECT ship_id, col, max(rank), (SELECT to_timestamp(lo) FROM r), (SELECT to_timestamp(hi) FROM r)"
                + " FROM c, generate_series(c.first_col, greatest(c.first_col, c.last_col)) AS col GROUP BY ship_id, col ORDER BY ship_id, col";
        Map<String, int[]> cells = new LinkedHashMap<>();
        String from = null;
        String to = null;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, job);
            ps.setInt(2, n);
            ps.setInt(3, n);
            ps.setInt(4, n);
            ps.setInt(5, n);
            ps.setString(6, job);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    cells.computeIfAbsent(rs.getString(1), ship -> new int[n])[rs.getInt(2)] = rs.getInt(3);
                    if (from == null) {
                        from = rs.getTimestamp(4).toInstant().toString();
                        to = rs.getTimestamp(5).toInstant().toString();
                    }
                }
            }
        }
        return new View(from, to, n, STATUSES, cells);
    }
}
