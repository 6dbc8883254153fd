package io.tsmigrator.verify;

import io.tsmigrator.db.Transactions;
import io.tsmigrator.ledger.ChunkLedger;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Walks a job's leaf chunks (every status but SPLIT) in (ship, window) order, a page per query,
 * each page starting after the last window of the one before along the ledger's unique index: no
 * cursor is held and no query sorts the whole ledger. Counts the leaves that are not DONE, which
 * verify does not check, and notes the gaps between a ship's windows, where no chunk would migrate
 * a late reading.
 */
public final class LedgerPages {

    static final int PAGE = 500;

    private final DataSource control;
    private final String chunkTable;
    private final String job;
    private final List<String> ships;
    private final Instant from;
    private final Instant to;
    private String lastShip;
    private Instant lastStart;
    private Instant lastEnd;
    private boolean exhausted;
    private long notDone;
    private final List<LedgerWindow> gaps = new ArrayList<>();

    /** @param ships the ships in scope, empty for all; @param from, to the scope's bounds, null when open */
    public LedgerPages(DataSource control, String chunkTable, String job, List<String> ships, Instant from, Instant to) {
        this.control = control;
        this.chunkTable = chunkTable;
        this.job = job;
        this.ships = ships;
        this.from = from;
        this.to = to;
    }

    /** The next page's DONE leaves, possibly empty while more pages follow; null after the last page. */
    List<LedgerWindow> next() throws SQLException {
        if (exhausted) {
            return null;
        }
        String sql = "SELECT id, ship_id, window_start, window_end, coalesce(rows_read, 0), status = ? FROM " + chunkTable
                + " WHERE job = ?" + (lastShip == null ? "" : " AND (ship_id, window_start, window_end) > (?, ?, ?)")
                + " AND status <> ?" + (ships.isEmpty() ? "" : " AND ship_id = ANY (?)")
                + (from == null ? "" : " AND window_end > ?") + (to == null ? "" : " AND window_start < ?")
                + " ORDER BY ship_id, window_start, window_end LIMIT " + PAGE;
        List<LedgerWindow> done = new ArrayList<>();
        gaps.clear();
        int rows = 0;
        try (Connection c = Transactions.forReads(control); PreparedStatement ps = c.prepareStatement(sql)) {
            int p = 1;
            ps.setString(p++, ChunkLedger.DONE);
            ps.setString(p++, job);
            if (lastShip != null) {
                ps.setString(p++, lastShip);
                ps.setObject(p++, utc(lastStart));
                ps.setObject(p++, utc(lastEnd));
            }
            ps.setString(p++, ChunkLedger.SPLIT);
            if (!ships.isEmpty()) {
                ps.setArray(p++, c.createArrayOf("text", ships.toArray()));
            }
            if (from != null) {
                ps.setObject(p++, utc(from));
            }
            if (to != null) {
                ps.setObject(p, utc(to));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows++;
                    String ship = rs.getString(2);
                    Instant start = rs.getObject(3, OffsetDateTime.class).toInstant();
                    if (ship.equals(lastShip) && start.isAfter(lastEnd)) {
                        gaps.add(new LedgerWindow(0, ship, lastEnd, start, 0));
                    }
                    lastShip = ship;
                    lastStart = start;
                    lastEnd = rs.getObject(4, OffsetDateTime.class).toInstant();
                    if (rs.getBoolean(6)) {
                        done.add(new LedgerWindow(rs.getLong(1), lastShip, lastStart, lastEnd, rs.getLong(5)));
                    } else {
                        notDone++;
                    }
                }
            }
        }
        exhausted = rows < PAGE;
        return done;
    }

    /** The ranges between two consecutive leaves of a ship on the last page (none is planned there), oldest first. */
    List<LedgerWindow> gaps() {
        return gaps;
    }

    /** Leaves seen so far that are not DONE (pending, running or failed): not migrated, so not checked. */
    long notDone() {
        return notDone;
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
