package io.tsmigrator.migrate;

import io.tsmigrator.config.Settings;
import io.tsmigrator.config.SettingsLoader;
import io.tsmigrator.source.SourceTable;
import io.tsmigrator.support.Fleet;
import io.tsmigrator.support.TestDb;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where migrator.channels is applied, decided from the real planner statistics of a real table. */
class ChannelFilterTest {

    private static final String TABLE = "tenant.tbl_data_timeseries";

    @Test
    void aListHoldingNearlyEveryReadingIsAppliedInTheMigratorAndASmallOneInTheQuery() throws SQLException {
        TestDb db = new TestDb();
        Fleet.create(db, TABLE, List.of(1, 2), List.of(10, 20, 30, 40), 1);
        // a rare channel: about 2 % of the readings, outside every list below
        db.execute("INSERT INTO " + TABLE + " SELECT ship_id, 99, created_time, value FROM " + TABLE + " WHERE data_channel_id = 10 AND random() < 0.1",
                "ANALYZE " + TABLE);
        SourceTable source = source(db);

        ChannelFilter all = ChannelFilter.listed(db.dataSource(), source, listing("10,20,30,40"), List.of("10", "20", "30", "40"));
        ChannelFilter one = ChannelFilter.listed(db.dataSource(), source, listing("20"), List.of("20"));

        assertTrue(all.inMigrator(), "4 of 5 channels hold ~98 % of the readings: " + all);
        assertFalse(one.inMigrator(), "1 of 5 channels holds ~25 %: " + one);
        assertTrue(one.inQuery());
        assertFalse(ChannelFilter.listed(db.dataSource(), source, listing(""), List.of("10", "20", "30", "40", "99")).any());
    }

    @Test
    void aPartitionedTableIsJudgedByTheStatisticsOfAllItsPartitions() throws SQLException {
        TestDb db = new TestDb();
        // the parent of a partitioned table holds no rows itself: its statistics are the inherited ones
        db.execute("CREATE SCHEMA tenant",
                "CREATE TABLE " + TABLE + " (ship_id integer NOT NULL, data_channel_id integer NOT NULL,"
                        + " created_time timestamptz NOT NULL, value double precision) PARTITION BY RANGE (created_time)",
                "CREATE TABLE tenant.january PARTITION OF " + TABLE + " FOR VALUES FROM ('2024-01-01') TO ('2024-02-01')",
                "CREATE TABLE tenant.february PARTITION OF " + TABLE + " FOR VALUES FROM ('2024-02-01') TO ('2024-03-01')",
                "INSERT INTO " + TABLE + " SELECT 1, ch, timestamptz '2024-01-31 23:00Z' + s * interval '1 second', s"
                        + " FROM generate_series(0, 7199) s, unnest(ARRAY[10, 20, 30, 40]) ch",
                "INSERT INTO " + TABLE + " SELECT 1, 99, timestamptz '2024-01-31 23:00Z' + s * interval '1 second', s"
                        + " FROM generate_series(0, 7199, 20) s",
                "ANALYZE " + TABLE);
        SourceTable source = source(db);

        assertTrue(ChannelFilter.listed(db.dataSource(), source, listing("10,20,30,40"), List.of("10", "20", "30", "40")).inMigrator());
        assertTrue(ChannelFilter.listed(db.dataSource(), source, listing("20"), List.of("20")).inQuery());
        assertEquals((3 * 7200 + 360) / 29160.0, ChannelFilter.shareOutside(db.dataSource(), source, List.of("20")), 0.01,
                "three of the four channels and the rare one lie outside");
    }

    @Test
    void withoutStatisticsTheQueryFilters() throws SQLException {
        TestDb db = new TestDb();
        Fleet.create(db, TABLE, List.of(1), List.of(10, 20), 1);
        db.execute("SELECT pg_stat_reset()", "DELETE FROM pg_statistic WHERE starelid = '" + TABLE + "'::regclass");

        ChannelFilter filter = ChannelFilter.listed(db.dataSource(), source(db), listing("10,20"), List.of("10", "20"));

        assertEquals(1.0, ChannelFilter.shareOutside(db.dataSource(), source(db), List.of("10", "20")), 1e-9);
        assertTrue(filter.inQuery(), filter.toString());
    }

    private static Settings listing(String channels) {
        return SettingsLoader.load(Map.of("migrator.channels", channels), Map.of(), new Properties());
    }

    private static SourceTable source(TestDb db) throws SQLException {
        return SourceTable.inspect(db.dataSource(), listing(""));
    }
}
