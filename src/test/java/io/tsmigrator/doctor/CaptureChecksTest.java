package io.tsmigrator.doctor;

import io.tsmigrator.capture.ChangeCapture;
import io.tsmigrator.config.Settings;
import io.tsmigrator.source.SourceTable;
import io.tsmigrator.support.TestDb;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The doctor's line on change capture, against a real source. */
class CaptureChecksTest {

    private static final String TABLE = "tenant.tbl_data_timeseries";

    @Test
    void saysWhetherCaptureIsInstalledForWhichChunkSizeAndHowManyWindowsWait() throws SQLException {
        TestDb db = source();
        Finding before = check(db, Map.of());
        assertEquals(Verdict.OK, before.verdict());
        assertTrue(before.value().equals("not installed") && before.advice().startsWith("a run installs it"), before.toString());

        capture(db, "PT1H").install();
        db.execute("INSERT INTO " + TABLE + " VALUES (1, 7, '2024-03-01 00:10+00', 1), (1, 7, '2024-03-01 02:10+00', 1)");
        Finding installed = check(db, Map.of(Settings.CHUNK_SIZE, "PT1H"));
        Finding otherSize = check(db, Map.of(Settings.CHUNK_SIZE, "PT20M"));
        Finding unwanted = check(db, Map.of(Settings.FOLLOW_CAPTURE, "none"));

        assertEquals(new Finding("change capture", Verdict.OK, "installed on \"tenant\".\"tbl_data_timeseries\", windows of PT1H, 2 marked", ""), installed);
        assertEquals("a run replaces the function to mark windows of PT20M", otherSize.advice());
        assertEquals(Verdict.WARN, unwanted.verdict());
        assertTrue(unwanted.advice().endsWith("remove it: doctor --drop-capture"), unwanted.toString());
    }

    @Test
    void aUserWhoMayNotCreateTriggersIsToldBeforeTheRun() throws SQLException {
        TestDb db = source();
        String user = "doctor_reader_" + db.url().substring(db.url().lastIndexOf('/') + 1);
        db.execute("CREATE ROLE " + user + " LOGIN", "GRANT USAGE ON SCHEMA tenant TO " + user, "GRANT SELECT ON " + TABLE + " TO " + user);
        TestDb asUser = new TestDb(db.url());
        asUser.dataSource().setUser(user);

        Finding finding = new CaptureChecks(db.settings(Map.of()), asUser.dataSource(),
                SourceTable.inspect(asUser.dataSource(), db.settings(Map.of()))).check();

        assertEquals(Verdict.WARN, finding.verdict());
        assertTrue(finding.value().contains("may not create triggers on \"tenant\".\"tbl_data_timeseries\""), finding.toString());
        assertTrue(finding.advice().contains("migrator.follow.capture=none"), finding.toString());
    }

    private static TestDb source() {
        TestDb db = new TestDb();
        db.execute("CREATE SCHEMA tenant", "CREATE TABLE " + TABLE + " (ship_id integer NOT NULL, data_channel_id integer NOT NULL,"
                + " created_time timestamptz NOT NULL, value double precision)");
        return db;
    }

    private static Finding check(TestDb db, Map<String, String> more) throws SQLException {
        Settings settings = db.settings(more);
        return new CaptureChecks(settings, db.dataSource(), SourceTable.inspect(db.dataSource(), settings)).check();
    }

    private static ChangeCapture capture(TestDb db, String chunkSize) throws SQLException {
        Settings settings = db.settings(Map.of(Settings.CHUNK_SIZE, chunkSize));
        return ChangeCapture.of(db.dataSource(), SourceTable.inspect(db.dataSource(), settings), settings);
    }
}
