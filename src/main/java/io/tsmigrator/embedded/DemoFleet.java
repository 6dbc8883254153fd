package io.tsmigrator.embedded;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Fills {@code tenant.tbl_data_timeseries} with a demo fleet: ships × 93 channels × hours of 1 Hz
 * readings, about 2 % missing at random and a 20-minute outage on the second ship, with the index
 * a production table should have on (ship_id, created_time, data_channel_id).
 */
public final class DemoFleet {

    public static final int CHANNELS = 93;
    /** The demo's fleet: enough ships and hours for several chunks to run at once, small enough to start in seconds. */
    public static final int SHIPS = 3;
    public static final int HOURS = 3;

    private DemoFleet() {
    }

    public static long create(DataSource dataSource, int ships, int hours) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS tenant");
            s.execute("DROP TABLE IF EXISTS tenant.tbl_data_timeseries");
            s.execute("CREATE TABLE tenant.tbl_data_timeseries (ship_id integer NOT NULL, data_channel_id integer NOT NULL,"
                    + " created_time timestamptz NOT NULL, value double precision)");
            s.execute("SELECT setseed(0.42)");
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO tenant.tbl_data_timeseries"
                            + " SELECT 1000 + s, 100 + ch, t, round((sin(extract(epoch FROM t)::float8 / 600 + ch) * 100)::numeric, 3)::float8"
                            + " FROM generate_series(1, ?) s, generate_series(1, ?) ch,"
                            + "      generate_series(timestamptz '2024-01-01 00:00:00+00', timestamptz '2024-01-01 00:00:00+00' + ? * interval '1 hour' - interval '1 second', interval '1 second') t"
                            + " WHERE random() > 0.02"
                            + "   AND NOT (s = 2 AND t >= timestamptz '2024-01-01 01:10:00+00' AND t < timestamptz '2024-01-01 01:30:00+00')")) {
                ps.setInt(1, ships);
                ps.setInt(2, CHANNELS);
                ps.setInt(3, hours);
                long rows = ps.executeUpdate();
                s.execute("CREATE INDEX ON tenant.tbl_data_timeseries (ship_id, created_time, data_channel_id)");
                s.execute("CREATE INDEX ON tenant.tbl_data_timeseries (data_channel_id)");
                s.execute("ANALYZE tenant.tbl_data_timeseries");
                return rows;
            }
        }
    }
}
