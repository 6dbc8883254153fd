package io.tsmigrator;

import io.tsmigrator.support.ChildJvm;
import io.tsmigrator.support.Fleet;
import io.tsmigrator.support.TestDb;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A password given on the command line or in the URL never shows up in output or in the control tables. */
class SecretsTest {

    private static final String PASSWORD = "Pa55-w0rd-never-shown";

    @Test
    void thePasswordAppearsNowhere() throws Exception {
        TestDb db = new TestDb();
        Fleet.create(db, "tenant.tbl_data_timeseries", List.of(1, 2), List.of(1, 2), 1);
        db.execute("CREATE ROLE migrator_user LOGIN PASSWORD '" + PASSWORD + "' SUPERUSER",
                // a permanent fault on ship 2 so an error message is written to the dead letters as well
                "CREATE TABLE tenant.tbl_data_timeseries_wide (ship_id integer NOT NULL, created_time timestamptz NOT NULL,"
                        + " ch_1 double precision, ch_2 double precision, PRIMARY KEY (ship_id, created_time))",
                "CREATE FUNCTION tenant.refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                        + " IF NEW.ship_id = 2 THEN RAISE EXCEPTION 'ship 2 is refused' USING ERRCODE = '23514'; END IF; RETURN NEW; END $$",
                "CREATE TRIGGER refuse BEFORE INSERT ON tenant.tbl_data_timeseries_wide FOR EACH ROW EXECUTE FUNCTION tenant.refuse()");
        List<String> args = new ArrayList<>(db.runArgs());
        args.set(1, "--migrator.source.url=" + db.url() + "?password=" + PASSWORD);
        args.set(2, "--migrator.source.username=migrator_user");
        args.add("--migrator.source.password=" + PASSWORD);

        ChildJvm child = ChildJvm.start(args);
        int exit = child.await(120);

        assertEquals(3, exit, child.output());
        assertTrue(child.output().contains("ship 2"), child.output());
        assertFalse(child.output().contains(PASSWORD), child.output());
        assertEquals(0, db.count("SELECT count(*) FROM migrator.dead_letter WHERE error LIKE '%' || ? || '%'", PASSWORD));
        assertEquals(0, db.count("SELECT count(*) FROM migrator.chunk WHERE last_error LIKE '%' || ? || '%'", PASSWORD));
        assertTrue(db.count("SELECT count(*) FROM migrator.dead_letter WHERE sql_state = '23514'") > 0);
        assertEquals(1, db.count("SELECT count(*) FROM migrator.ship_completion"));
    }

    @Test
    void anUnreachableUrlWithAPasswordInItIsReportedWithoutIt() throws Exception {
        ChildJvm child = ChildJvm.start(List.of("run", "--migrator.source.url=jdbc:postgresql://127.0.0.1:1/fleet?user=u&password=" + PASSWORD,
                "--migrator.source.password=" + PASSWORD));

        int exit = child.await(60);

        assertEquals(2, exit, child.output());
        assertTrue(child.output().contains("password=*****"), child.output());
        assertFalse(child.output().contains(PASSWORD), child.output());
    }
}
