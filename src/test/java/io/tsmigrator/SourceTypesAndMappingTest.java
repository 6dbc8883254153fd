package io.tsmigrator;

import io.tsmigrator.support.Cli;
import io.tsmigrator.support.Fleet;
import io.tsmigrator.support.SqlPivot;
import io.tsmigrator.support.TestDb;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Other column types than the defaults, and named columns from a mapping file; the reader decodes
 * the binary COPY rows of each type itself.
 */
class SourceTypesAndMappingTest {

    @Test
    void textShipsBigintChannelsTimestampAndNumericValues() {
        TestDb db = new TestDb();
        List<Integer> channels = List.of(4, 40, 4000000);
        Fleet.create(db, "fleet.narrow", "varchar(20)", "bigint", "timestamp", "numeric(12,3)", List.of(11, 22, 33), channels, 2);

        Cli run = Cli.run(db.runArgs("--migrator.source.table=fleet.narrow", "--migrator.target.table=fleet.wide", "--migrator.chunk-size=PT25M"));

        assertEquals(0, run.exitCode(), run.toString());
        SqlPivot.assertWideEqualsPivot(db, "fleet.narrow", "fleet.wide", SqlPivot.ids(channels), SqlPivot.prefixed(channels));
        assertEquals(List.of(List.of("character varying", "timestamp without time zone", "numeric")),
                db.rows("SELECT (SELECT data_type FROM information_schema.columns WHERE table_name = 'wide' AND column_name = 'ship_id'),"
                        + " (SELECT data_type FROM information_schema.columns WHERE table_name = 'wide' AND column_name = 'created_time'),"
                        + " (SELECT data_type FROM information_schema.columns WHERE table_name = 'wide' AND column_name = 'ch_40')"));
        // verify digests these types on both sides alike, and a corrected numeric value shows
        Cli verify = Cli.run(db.commandArgs("verify", "--migrator.source.table=fleet.narrow", "--migrator.target.table=fleet.wide"));
        assertEquals(0, verify.exitCode(), verify.toString());
        db.execute("UPDATE fleet.narrow SET value = value + 0.001 WHERE ctid = (SELECT ctid FROM fleet.narrow n WHERE value IS NOT NULL"
                + " AND (SELECT count(*) FROM fleet.narrow d WHERE (d.ship_id, d.data_channel_id, d.created_time) = (n.ship_id, n.data_channel_id, n.created_time)) = 1 LIMIT 1)");
        Cli corrected = Cli.run(db.commandArgs("verify", "--migrator.source.table=fleet.narrow", "--migrator.target.table=fleet.wide"));
        assertEquals(1, corrected.exitCode(), corrected.toString());
        assertTrue(corrected.out().contains(", 1 differ"), corrected.out());
    }

    @Test
    void realValuesAndAMappingFileThatNamesSomeColumns(@TempDir Path dir) throws IOException {
        TestDb db = new TestDb();
        List<Integer> channels = List.of(1, 2, 3);
        Fleet.create(db, "tenant.tbl_data_timeseries", "bigint", "smallint", "timestamptz", "real", List.of(5, 6, 7), channels, 1);
        Path mapping = Files.writeString(dir.resolve("channels.csv"), "data_channel_id,column_name\n1,engine_rpm\n3,Fuel_Flow\n");

        Cli run = Cli.run(db.runArgs("--migrator.channels.mapping=" + mapping));

        assertEquals(0, run.exitCode(), run.toString());
        SqlPivot.assertWideEqualsPivot(db, "tenant.tbl_data_timeseries", "tenant.tbl_data_timeseries_wide",
                SqlPivot.ids(channels), List.of("engine_rpm", "ch_2", "Fuel_Flow"));
        Cli verify = Cli.run(db.commandArgs("verify", "--migrator.channels.mapping=" + mapping));
        assertEquals(0, verify.exitCode(), verify.toString());
    }

    @Test
    void onlyTheConfiguredChannelsAndTimeRange() throws SQLException {
        TestDb db = new TestDb();
        Fleet.create(db, "tenant.tbl_data_timeseries", List.of(1, 2, 3), List.of(10, 20, 30), 3);

        Cli run = Cli.run(db.runArgs("--migrator.channels=30,10", "--migrator.ships=2,3",
                "--migrator.from=2024-03-01T00:30:00Z", "--migrator.to=2024-03-01T02:10:00Z"));

        assertEquals(0, run.exitCode(), run.toString());
        db.execute("CREATE VIEW scoped AS SELECT * FROM tenant.tbl_data_timeseries WHERE ship_id IN (2, 3) AND data_channel_id IN (10, 30)"
                + " AND created_time >= '2024-03-01T00:30:00Z' AND created_time < '2024-03-01T02:10:00Z'");
        SqlPivot.assertWideEqualsPivot(db, "scoped", "tenant.tbl_data_timeseries_wide", List.of("10", "30"), List.of("ch_10", "ch_30"));
        assertEquals(0, db.count("SELECT count(*) FROM information_schema.columns WHERE table_name = 'tbl_data_timeseries_wide' AND column_name = 'ch_20'"));
        Cli verify = Cli.run(db.commandArgs("verify", "--migrator.channels=30,10", "--migrator.ships=2,3",
                "--migrator.from=2024-03-01T00:30:00Z", "--migrator.to=2024-03-01T02:10:00Z"));
        assertEquals(0, verify.exitCode(), verify.toString());
        assertTrue(verify.out().contains(db.count("SELECT count(*) FROM migrator.chunk WHERE status = 'DONE'") + " windows checked, 0 differ"), verify.out());
    }

    @Test
    void aListedRunLeavesOutUnlistedChannelsAndTheTimesOnlyTheyHave() throws SQLException {
        TestDb db = new TestDb();
        Fleet.create(db, "tenant.tbl_data_timeseries", List.of(1, 2), List.of(10, 20, 30), 3);
        // a rare unlisted channel, some of it at times no listed channel has: those times must not become wide rows
        db.execute("INSERT INTO tenant.tbl_data_timeseries SELECT ship_id, 77, created_time + CASE WHEN random() < 0.5"
                        + " THEN interval '0.5 second' ELSE interval '0' END, value FROM tenant.tbl_data_timeseries"
                        + " WHERE data_channel_id = 10 AND random() < 0.05",
                "ANALYZE tenant.tbl_data_timeseries");
        long listedRows = db.count("SELECT count(*) FROM tenant.tbl_data_timeseries WHERE data_channel_id <> 77");

        Cli run = Cli.run(db.runArgs("--migrator.channels=10,20,30"));

        assertEquals(0, run.exitCode(), run.toString());
        db.execute("CREATE VIEW listed AS SELECT * FROM tenant.tbl_data_timeseries WHERE data_channel_id IN (10, 20, 30)");
        SqlPivot.assertWideEqualsPivot(db, "listed", "tenant.tbl_data_timeseries_wide", List.of("10", "20", "30"), List.of("ch_10", "ch_20", "ch_30"));
        assertEquals(listedRows, db.count("SELECT sum(rows_read) FROM migrator.chunk WHERE status = 'DONE'"));
        Cli verify = Cli.run(db.commandArgs("verify", "--migrator.channels=10,20,30"));
        assertEquals(0, verify.exitCode(), verify.toString());
    }
}
