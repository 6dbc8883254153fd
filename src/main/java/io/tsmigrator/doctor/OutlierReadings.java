package io.tsmigrator.doctor;

import io.tsmigrator.db.Transactions;
import io.tsmigrator.plan.PlanPreview;
import io.tsmigrator.source.SourceTable;
import io.tsmigrator.source.Times;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Names a ship's first or last reading when it lies far from the rest of its readings (a device
 * clock reset to 1970, a clock in the future): planning costs it only a probe, but it stretches the
 * ship's range in reports and usually is not data anyone wants. Two index probes per ship: the
 * reading after the first one's day, and the one before the last one's.
 */
final class OutlierReadings {

    /** A reading this far from the next one is taken for an outlier. */
    static final Duration ISOLATED = Duration.ofDays(365);

    private final DataSource dataSource;
    private final SourceTable table;

    OutlierReadings(DataSource dataSource, SourceTable table) {
        this.dataSource = dataSource;
        this.table = table;
    }

    /** The finding; a source that cannot answer the probes in time (no index on ship and time) gets a warning, not a failed doctor. */
    Finding check(List<PlanPreview.ShipPlan> plans) {
        try {
            return outliers(plans);
        } catch (SQLException e) {
            return Finding.warn("outlier readings", "not checked: " + e.getMessage(),
                    "each check is an index probe on (ship, time); create that index (the run needs it too)");
        }
    }

    private Finding outliers(List<PlanPreview.ShipPlan> plans) throws SQLException {
        String t = table.time();
        String after = "SELECT min(" + t + ") FROM " + table.table() + " WHERE " + table.ship() + " = ? AND " + t + " >= ?";
        String before = "SELECT max(" + t + ") FROM " + table.table() + " WHERE " + table.ship() + " = ? AND " + t + " < ?";
        List<String> outliers = new ArrayList<>();
        String bound = null;
        try (Connection c = Transactions.forReads(dataSource); PreparedStatement next = c.prepareStatement(after);
             PreparedStatement previous = c.prepareStatement(before)) {
            for (PlanPreview.ShipPlan plan : plans) {
                if (plan.first() == null) {
                    continue;
                }
                Instant second = probe(next, plan.ship(), plan.first().plus(1, ChronoUnit.DAYS));
                if (second != null && Duration.between(plan.first(), second).compareTo(ISOLATED) > 0) {
                    outliers.add("ship " + plan.ship() + "'s first reading " + plan.first() + " is " + Duration.between(plan.first(), second).toDays()
                            + " days before its next (" + second + ")");
                    bound = "migrator.from=" + second.truncatedTo(ChronoUnit.DAYS);
                }
                Instant last = plan.last().minusNanos(1000);
                Instant penultimate = probe(previous, plan.ship(), last.minus(1, ChronoUnit.DAYS));
                if (penultimate != null && Duration.between(penultimate, last).compareTo(ISOLATED) > 0) {
                    outliers.add("ship " + plan.ship() + "'s last reading " + last + " is " + Duration.between(penultimate, last).toDays()
                            + " days after the one before (" + penultimate + ")");
                    bound = bound == null ? "migrator.to=" + penultimate.truncatedTo(ChronoUnit.DAYS).plus(1, ChronoUnit.DAYS) : bound;
                }
            }
        }
        if (outliers.isEmpty()) {
            return Finding.ok("outlier readings", "none: no ship's first or last reading lies a year or more from the rest", "");
        }
        return Finding.warn("outlier readings", String.join("; ", outliers),
                "a device clock reset? Each costs the run one index probe, but bound the range if it is not wanted, e.g. --" + bound);
    }

    private Instant probe(PreparedStatement ps, String ship, Instant at) throws SQLException {
        ps.setString(1, ship);
        Times.bind(ps, 2, at, table.timeType());
        try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            return Times.read(rs, 1, table.timeType());
        }
    }
}
