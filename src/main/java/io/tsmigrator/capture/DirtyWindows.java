package io.tsmigrator.capture;

import io.tsmigrator.ledger.ChunkWindows;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The marks in the source's {@code dirty_window} table: read oldest first, cleared only where their
 * version is still the one read, counted. With no mark table (capture absent) there are no marks.
 */
final class DirtyWindows {

    /** undefined_table: capture was never installed, or was removed. */
    private static final String NO_TABLE = "42P01";

    private final DataSource dataSource;
    private final CaptureObjects objects;

    DirtyWindows(DataSource dataSource, CaptureObjects objects) {
        this.dataSource = dataSource;
        this.objects = objects;
    }

    List<DirtyWindow> marks(int limit) throws SQLException {
        // the table holds what changed since it was last cleared, so sorting it is sorting the changes, not the history
        String sql = "SELECT ship_id, window_start, window_end, version FROM " + objects.table()
                + " ORDER BY version, ship_id, window_start LIMIT ?";
        List<DirtyWindow> marks = new ArrayList<>();
        try (Connection c = SourceConnections.writable(dataSource); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setInt(1, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    marks.add(new DirtyWindow(rs.getString(1), rs.getObject(2, OffsetDateTime.class).toInstant(),
                            rs.getObject(3, OffsetDateTime.class).toInstant(), rs.getLong(4)));
                }
            }
        } catch (SQLException e) {
            if (!NO_TABLE.equals(e.getSQLState())) {
                throw e;
            }
        }
        return marks;
    }

    int clear(Collection<DirtyWindow> marks) throws SQLException {
        if (marks.isEmpty()) {
            return 0;
        }
        String[] ships = new String[marks.size()];
        Long[] starts = new Long[marks.size()];
        Long[] versions = new Long[marks.size()];
        int i = 0;
        for (DirtyWindow mark : marks) {
            ships[i] = mark.ship();
            starts[i] = ChunkWindows.micros(mark.windowStart());
            versions[i] = mark.version();
            i++;
        }
        String sql = "DELETE FROM " + objects.table() + " m"
                + " USING unnest(?::text[], ?::bigint[], ?::bigint[]) AS c(ship_id, start_us, version)"
                + " WHERE m.ship_id = c.ship_id AND m.window_start = timestamptz 'epoch' + interval '1 microsecond' * c.start_us"
                + " AND m.version = c.version";
        try (Connection c = SourceConnections.writable(dataSource); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, c.createArrayOf("text", ships));
            ps.setArray(2, c.createArrayOf("bigint", starts));
            ps.setArray(3, c.createArrayOf("bigint", versions));
            return ps.executeUpdate();
        } catch (SQLException e) {
            if (NO_TABLE.equals(e.getSQLState())) {
                return 0;
            }
            throw e;
        }
    }

    long pending() throws SQLException {
        try (Connection c = SourceConnections.writable(dataSource);
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + objects.table());
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            if (NO_TABLE.equals(e.getSQLState())) {
                return 0;
            }
            throw e;
        }
    }
}
