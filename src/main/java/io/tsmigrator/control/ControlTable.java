package io.tsmigrator.control;

import io.tsmigrator.ledger.ControlSchema;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;

/**
 * {@code <control-schema>.control}: one row per job holding what operators set. It lives in the
 * target database next to the ledger, so every process of the job sees the same controls and they
 * outlive a restart.
 */
public final class ControlTable {

    private final DataSource dataSource;
    private final String table;
    private final String job;

    public ControlTable(DataSource dataSource, ControlSchema schema, String job) {
        this.dataSource = dataSource;
        this.table = schema.table("control");
        this.job = job;
    }

    public ControlState read() throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT paused, max_rows_per_second, max_lanes FROM " + table + " WHERE job = ?")) {
            ps.setString(1, job);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return ControlState.NONE;
                }
                long rows = rs.getLong(2);
                Long maxRows = rs.wasNull() ? null : rows;
                int lanes = rs.getInt(3);
                Integer maxLanes = rs.wasNull() ? null : lanes;
                return new ControlState(rs.getBoolean(1), maxRows, maxLanes);
            }
        }
    }

    public void pause(boolean paused) throws SQLException {
        update("INSERT INTO " + table + " (job, paused) VALUES (?, ?) ON CONFLICT (job) DO UPDATE SET paused = excluded.paused, updated_at = now()",
                ps -> ps.setBoolean(2, paused));
    }

    /** Sets both limits; a null one is lifted. */
    public void throttle(Long maxRowsPerSecond, Integer maxLanes) throws SQLException {
        update("INSERT INTO " + table + " (job, max_rows_per_second, max_lanes) VALUES (?, ?, ?) ON CONFLICT (job) DO UPDATE"
                + " SET max_rows_per_second = excluded.max_rows_per_second, max_lanes = excluded.max_lanes, updated_at = now()", ps -> {
                    if (maxRowsPerSecond == null) {
                        ps.setNull(2, Types.BIGINT);
                    } else {
                        ps.setLong(2, maxRowsPerSecond);
                    }
                    if (maxLanes == null) {
                        ps.setNull(3, Types.INTEGER);
                    } else {
                        ps.setInt(3, maxLanes);
                    }
                });
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private void update(String sql, Binder binder) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, job);
            binder.bind(ps);
            ps.executeUpdate();
        }
    }
}
