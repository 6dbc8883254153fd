package io.tsmigrator.plan;

import io.tsmigrator.ledger.ChunkWindows;
import io.tsmigrator.ledger.ShipRange;
import io.tsmigrator.db.Transactions;
import io.tsmigrator.source.Discovery;
import io.tsmigrator.source.ReadingProbe;
import io.tsmigrator.source.SourceTable;
import io.tsmigrator.source.Times;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code plan} command's dry run: per ship, the range a run would migrate, how many chunks it
 * would cut and how many narrow rows the planner's statistics expect. It only reads: no ledger, no
 * wide table, no control schema is created or changed.
 */
public final class PlanPreview {

    private static final Pattern PLAN_ROWS = Pattern.compile("rows=(\\d+)");

    private final DataSource source;
    private final SourceTable table;
    private final Discovery discovery;
    private final ReadingProbe probe;

    public PlanPreview(DataSource source, SourceTable table, Discovery discovery) {
        this.source = source;
        this.table = table;
        this.discovery = discovery;
        this.probe = new ReadingProbe(source, table);
    }

    /** One line of the preview; {@code first}/{@code last} are null for a ship with no readings in range. */
    public record ShipPlan(String ship, Instant first, Instant last, int chunks, long estimatedRows) {
    }

    public List<ShipPlan> preview(RunScope scope, Duration chunkSize) throws SQLException {
        List<ShipPlan> plans = new ArrayList<>();
        Map<String, Instant[]> bounds = discovery.bounds(scope.ships());
        List<ShipRange> ranges = new ArrayList<>();
        for (String ship : scope.ships()) {
            Instant[] range = scope.range(bounds.get(ship));
            if (range != null) {
                ranges.add(new ShipRange(ship, range[0], range[1]));
            }
        }
        List<long[]> windows = windowsWithReadings(ranges, chunkSize);
        Map<String, Integer> found = new HashMap<>();
        for (int i = 0; windows != null && i < ranges.size(); i++) {
            found.merge(ranges.get(i).ship(), windows.get(i).length, Integer::sum);
        }
        for (String ship : scope.ships()) {
            Instant[] range = scope.range(bounds.get(ship));
            if (range == null) {
                plans.add(new ShipPlan(ship, null, null, 0, 0));
            } else {
                int chunks = windows == null ? ChunkWindows.cut(range[0], range[1], chunkSize).size() : found.getOrDefault(ship, 0);
                plans.add(new ShipPlan(ship, range[0], range[1], chunks, estimate(ship, range[0], range[1])));
            }
        }
        return plans;
    }

    /**
     * As the planner finds them: only the windows that hold readings become chunks. Null when the
     * source cannot answer the probes within its statement timeout (without an index on ship and
     * time each probe reads the table): the preview then counts every window of each range.
     */
    private List<long[]> windowsWithReadings(List<ShipRange> ranges, Duration chunkSize) throws SQLException {
        try {
            return probe.windowsWithReadings(ranges, chunkSize);
        } catch (SQLException e) {
            if (!QUERY_CANCELED.equals(e.getSQLState())) {
                throw e;
            }
            return null;
        }
    }

    private static final String QUERY_CANCELED = "57014";

    /** The planner's row estimate for the ship's range, from table statistics: no rows are counted. */
    private long estimate(String ship, Instant start, Instant end) throws SQLException {
        String sql = "EXPLAIN SELECT 1 FROM " + table.table() + " WHERE " + table.ship() + " = ? AND "
                + table.time() + " >= ? AND " + table.time() + " < ?";
        try (Connection c = Transactions.forReads(source); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, ship);
            Times.bind(ps, 2, start, table.timeType());
            Times.bind(ps, 3, end, table.timeType());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                Matcher m = PLAN_ROWS.matcher(rs.getString(1));
                long rows = m.find() ? Long.parseLong(m.group(1)) : 0;
                return rows;
            }
        }
    }
}
