package io.tsmigrator;

import io.tsmigrator.support.Cli;
import io.tsmigrator.support.Fleet;
import io.tsmigrator.support.OwnServer;
import io.tsmigrator.support.SqlPivot;
import io.tsmigrator.support.TestDb;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The oldest PostgreSQL the README claims, 13: a run, a second run that does nothing, and verify. */
class Postgres13MigrationTest {

    private static final String SOURCE = "tenant.tbl_data_timeseries";
    private static final String WIDE = "tenant.tbl_data_timeseries_wide";

    @Test
    void migratesAndVerifiesOnPostgres13() throws Exception {
        try (OwnServer server = OwnServer.fromBinaries(Path.of("target/postgres13/postgres13.jar"))) {
            TestDb db = new TestDb(server.newDatabase("fleet", ""));
            assertTrue(db.scalar("SHOW server_version").toString().startsWith("13."), "a PostgreSQL 13 server");
            List<Integer> channels = List.of(1, 2, 30);
            Fleet.create(db, SOURCE, List.of(7, 8), channels, 2);

            Cli run = Cli.run(db.runArgs("--migrator.chunk-size=PT20M"));
            Cli again = Cli.run(db.runArgs("--migrator.chunk-size=PT20M"));
            Cli verify = Cli.run(db.commandArgs("verify"));

            assertEquals(0, run.exitCode(), run.toString());
            SqlPivot.assertWideEqualsPivot(db, SOURCE, WIDE, SqlPivot.ids(channels), SqlPivot.prefixed(channels));
            assertEquals(0, again.exitCode(), again.toString());
            assertEquals(0, verify.exitCode(), verify.toString());
            assertEquals(2, db.count("SELECT count(*) FROM migrator.ship_completion"));
        }
    }
}
