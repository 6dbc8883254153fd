package io.tsmigrator;

import io.tsmigrator.support.Cli;
import io.tsmigrator.support.Fleet;
import io.tsmigrator.support.SqlPivot;
import io.tsmigrator.support.TestDb;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.sql.Connection;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Source and target in different databases: the wide table and the ledger land in the target, and
 * the wide rows equal the source's SQL pivot (compared across the two).
 */
class CrossDatabaseMigrationTest {

    private static final String SOURCE = "tenant.tbl_data_timeseries";
    private static final String WIDE = "tenant.tbl_data_timeseries_wide";

    @Test
    void migratesFromOneDatabaseIntoAnother() throws Exception {
        TestDb source = new TestDb();
        TestDb target = new TestDb();
        List<Integer> channels = List.of(3, 4, 5);
        Fleet.create(source, SOURCE, List.of(1, 2), channels, 2);

        Cli run = Cli.run(source.runArgs("--migrator.target.url=" + target.url(), "--migrator.target.username=" + TestDb.USER,
                "--migrator.chunk-size=PT30M"));
        Cli verify = Cli.run(source.commandArgs("verify", "--migrator.target.url=" + target.url(), "--migrator.target.username=" + TestDb.USER));

        assertEquals(0, run.exitCode(), run.toString());
        assertEquals(0, verify.exitCode(), verify.toString());
        // the source's control schema holds change capture's objects only (docs/follow.md), never the ledger
        assertEquals(0, source.count("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'migrator' AND table_name = 'chunk'"),
                "no ledger in the source");
        assertEquals(0, source.count("SELECT count(*) FROM information_schema.tables WHERE table_name = 'tbl_data_timeseries_wide'"));
        assertEquals(source.count("SELECT count(DISTINCT (ship_id, date_bin('30 min', created_time, timestamptz '2000-01-01Z'))) FROM " + SOURCE),
                target.count("SELECT count(*) FROM migrator.chunk WHERE status = 'DONE'"), "a chunk per ship and 30-minute window with readings");
        // the source's pivot, copied next to the wide table to compare them in one database
        target.execute("CREATE TABLE tenant.source_copy (ship_id integer, data_channel_id integer, created_time timestamptz, value double precision)");
        try (Connection from = source.dataSource().getConnection(); Connection to = target.dataSource().getConnection()) {
            ByteArrayOutputStream rows = new ByteArrayOutputStream();
            from.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY " + SOURCE + " TO STDOUT (FORMAT binary)", rows);
            to.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY tenant.source_copy FROM STDIN (FORMAT binary)",
                    new ByteArrayInputStream(rows.toByteArray()));
        }
        SqlPivot.assertWideEqualsPivot(target, "tenant.source_copy", WIDE, SqlPivot.ids(channels), SqlPivot.prefixed(channels));
    }
}
