package io.tsmigrator;

import io.tsmigrator.support.Cli;
import io.tsmigrator.support.Fleet;
import io.tsmigrator.support.SqlPivot;
import io.tsmigrator.support.TestDb;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's other way to grant: a DBA creates the control schema and gives the migrator's role
 * CREATE on it and on the wide table's schema, and nothing on the database. The run, its change
 * capture and doctor make do with that.
 */
class SchemaGrantsTest {

    private static final String SOURCE = "tenant.tbl_data_timeseries";
    private static final String WIDE = "tenant.tbl_data_timeseries_wide";
    private static final List<Integer> CHANNELS = List.of(1, 2, 3);

    @Test
    void aRoleWithCreateOnSchemasADbaMadeAndNoneOnTheDatabaseMigratesWithChangeCapture() {
        TestDb db = new TestDb();
        Fleet.create(db, SOURCE, List.of(1, 2), CHANNELS, 1);
        String role = "schema_grants_" + db.url().substring(db.url().lastIndexOf('/') + 1);
        db.execute("CREATE ROLE " + role + " LOGIN PASSWORD 'pw'",
                "CREATE SCHEMA migrator",
                "GRANT USAGE, CREATE ON SCHEMA migrator TO " + role,
                "GRANT USAGE, CREATE ON SCHEMA tenant TO " + role,
                "GRANT SELECT, TRIGGER ON " + SOURCE + " TO " + role);
        assertFalse((Boolean) db.scalar("SELECT has_database_privilege(?, current_database(), 'CREATE')", role));
        List<String> run = db.runArgs("--migrator.source.password=pw");
        run.set(2, "--migrator.source.username=" + role);
        List<String> doctor = db.commandArgs("doctor", "--migrator.source.password=pw");
        doctor.set(2, "--migrator.source.username=" + role);

        Cli before = Cli.run(doctor);
        Cli migrated = Cli.run(run);

        assertEquals(0, before.exitCode(), before.toString());
        assertTrue(before.out().lines().anyMatch(l -> l.startsWith("ok") && l.contains("change capture")), before.out());
        assertEquals(0, migrated.exitCode(), migrated.toString());
        SqlPivot.assertWideEqualsPivot(db, SOURCE, WIDE, SqlPivot.ids(CHANNELS), SqlPivot.prefixed(CHANNELS));
        assertEquals(3L, db.count("SELECT count(*) FROM pg_trigger WHERE tgrelid = '" + SOURCE + "'::regclass AND tgname LIKE 'tsmigrator_%'"),
                "change capture installed");
    }
}
