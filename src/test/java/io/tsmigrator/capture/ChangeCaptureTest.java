package io.tsmigrator.capture;

import io.tsmigrator.config.Settings;
import io.tsmigrator.source.SourceTable;
import io.tsmigrator.support.TestDb;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The capture trigger on a real source table: what it installs, which windows it marks, and how marks are cleared. */
class ChangeCaptureTest {

    private static final String TABLE = "tenant.tbl_data_timeseries";

    @Test
    void twoInstallsAtOnceBothSucceedAndAThirdChangesNothing() throws Exception {
        TestDb db = source("timestamptz");
        ChangeCapture capture = capture(db, "PT1H");
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<CaptureState>> installs = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                installs.add(pool.submit(() -> {
                    start.await();
                    return capture(db, "PT1H").install();
                }));
            }
            start.countDown();
            for (Future<CaptureState> install : installs) {
                assertTrue(install.get(60, TimeUnit.SECONDS).installed());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(3L, db.count("SELECT count(*) FROM pg_trigger WHERE tgrelid = 'tenant.tbl_data_timeseries'::regclass"));
        Object functionVersion = db.scalar("SELECT xmin::text FROM pg_proc WHERE oid = 'migrator.capture_dirty_window()'::regprocedure");

        CaptureState again = capture.install();

        assertTrue(again.installed());
        assertEquals(functionVersion, db.scalar("SELECT xmin::text FROM pg_proc WHERE oid = 'migrator.capture_dirty_window()'::regprocedure"),
                "a start with the same settings leaves the function as it is");
        assertEquals(3L, db.count("SELECT count(*) FROM pg_trigger WHERE tgrelid = 'tenant.tbl_data_timeseries'::regclass"));
        assertEquals(java.time.Duration.ofHours(1), again.chunkSize().orElseThrow());
    }

    @Test
    void insertsUpdatesAndDeletesMarkExactlyTheirShipsAndWindows() throws Exception {
        TestDb db = source("timestamptz");
        ChangeCapture capture = capture(db, "PT1H");
        capture.install();

        // one multi-row INSERT over three windows of two ships
        db.execute("INSERT INTO " + TABLE + " VALUES (1, 7, '2024-03-01 00:10+00', 1), (1, 8, '2024-03-01 00:50+00', 2),"
                + " (1, 7, '2024-03-01 01:30+00', 3), (2, 7, '2024-03-01 05:59:59.999999+00', 4), (2, 7, '2024-03-01 06:00+00', 5)");
        assertEquals(Set.of("1@2024-03-01T00:00:00Z", "1@2024-03-01T01:00:00Z", "2@2024-03-01T05:00:00Z", "2@2024-03-01T06:00:00Z"),
                keys(capture.marks(100)));
        capture.clear(capture.marks(100));
        assertEquals(0, capture.pending());

        // a value corrected: only its own window
        db.execute("UPDATE " + TABLE + " SET value = 10 WHERE ship_id = 1 AND created_time = '2024-03-01 00:50+00'");
        assertEquals(Set.of("1@2024-03-01T00:00:00Z"), keys(capture.marks(100)));
        capture.clear(capture.marks(100));

        // a row moved to another ship and window: both the window it left and the one it entered
        db.execute("UPDATE " + TABLE + " SET ship_id = 3, created_time = '2024-03-02 07:15+00' WHERE ship_id = 1 AND created_time = '2024-03-01 01:30+00'");
        assertEquals(Set.of("1@2024-03-01T01:00:00Z", "3@2024-03-02T07:00:00Z"), keys(capture.marks(100)));
        capture.clear(capture.marks(100));

        // a delete marks the windows its rows left; one that deletes nothing marks nothing
        db.execute("DELETE FROM " + TABLE + " WHERE ship_id = 2", "DELETE FROM " + TABLE + " WHERE ship_id = 99",
                "UPDATE " + TABLE + " SET value = 0 WHERE ship_id = 99");
        assertEquals(Set.of("2@2024-03-01T05:00:00Z", "2@2024-03-01T06:00:00Z"), keys(capture.marks(100)));
        for (DirtyWindow mark : capture.marks(100)) {
            assertEquals(mark.windowStart().plusSeconds(3600), mark.windowEnd());
        }
    }

    @Test
    void aChangeAfterTheMarkWasReadKeepsTheMark() throws Exception {
        TestDb db = source("timestamptz");
        ChangeCapture capture = capture(db, "PT1H");
        capture.install();
        db.execute("INSERT INTO " + TABLE + " VALUES (1, 7, '2024-03-01 00:10+00', 1)");
        List<DirtyWindow> seen = capture.marks(10);

        db.execute("INSERT INTO " + TABLE + " VALUES (1, 7, '2024-03-01 00:20+00', 2)");
        List<DirtyWindow> now = capture.marks(10);

        assertEquals(1, now.size());
        assertTrue(now.get(0).version() > seen.get(0).version(), "re-marking bumps the version: " + seen + " then " + now);
        assertEquals(0, capture.clear(seen), "a clear with the version read before the second change");
        assertEquals(1, capture.pending());
        assertEquals(1, capture.clear(now));
        assertEquals(0, capture.pending());
    }

    @Test
    void twoControlSchemasCaptureOneTableEachWithItsOwnMarksEvenWithALongName() throws Exception {
        TestDb db = source("timestamptz");
        String longSchema = "migration_of_the_fleet_to_the_wide_table_phase_two_xx"; // 53 characters
        ChangeCapture first = capture(db, "PT1H");
        ChangeCapture second = new ChangeCapture(db.dataSource(), SourceTable.inspect(db.dataSource(), db.settings(Map.of())), longSchema,
                java.time.Duration.ofHours(1));
        first.install();
        assertTrue(second.install().installed());

        db.execute("INSERT INTO " + TABLE + " VALUES (1, 7, '2024-03-01 00:10+00', 1)");

        assertEquals(6, db.count("SELECT count(*) FROM pg_trigger WHERE tgrelid = '" + TABLE + "'::regclass AND tgname LIKE 'tsmigrator_%'"));
        assertEquals(Set.of("1@2024-03-01T00:00:00Z"), keys(first.marks(10)));
        assertEquals(Set.of("1@2024-03-01T00:00:00Z"), keys(second.marks(10)));
    }

    @Test
    void marksAreReadOldestFirst() throws Exception {
        TestDb db = source("timestamptz");
        ChangeCapture capture = capture(db, "PT1H");
        capture.install();
        db.execute("INSERT INTO " + TABLE + " VALUES (5, 7, '2024-03-01 03:10+00', 1)",
                "INSERT INTO " + TABLE + " VALUES (1, 7, '2024-03-01 00:10+00', 1)",
                "INSERT INTO " + TABLE + " VALUES (5, 7, '2024-03-01 03:20+00', 1)");

        List<DirtyWindow> marks = capture.marks(10);

        assertEquals(List.of("1@2024-03-01T00:00:00Z", "5@2024-03-01T03:00:00Z"), marks.stream().map(ChangeCaptureTest::key).toList());
        assertEquals(List.of("1@2024-03-01T00:00:00Z"), capture.marks(1).stream().map(ChangeCaptureTest::key).toList());
    }

    @Test
    void aTimestampColumnIsReadAsUtcWhateverTheWritersTimeZone() throws Exception {
        TestDb db = source("timestamp");
        ChangeCapture capture = capture(db, "PT20M");
        capture.install();
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("SET TIME ZONE 'America/New_York'");
            s.execute("INSERT INTO " + TABLE + " VALUES (1, 7, '2024-03-01 00:19:59.999999', 1), (1, 7, '2024-03-01 00:20:00', 2),"
                    + " (2, 7, '1969-12-31 23:50:00', 3), (3, 7, '1969-12-31 23:40:00', 4)");
        }
        assertEquals(Set.of("1@2024-03-01T00:00:00Z", "1@2024-03-01T00:20:00Z", "2@1969-12-31T23:40:00Z", "3@1969-12-31T23:40:00Z"),
                keys(capture.marks(10)));
    }

    @Test
    void aTimestamptzColumnIsAlignedTheSameWhateverTheWritersTimeZone() throws Exception {
        TestDb db = source("timestamptz");
        ChangeCapture capture = capture(db, "PT20M");
        capture.install();
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("SET TIME ZONE 'Asia/Kolkata'"); // +05:30: local hours are not window boundaries
            s.execute("INSERT INTO " + TABLE + " VALUES (1, 7, '2024-03-01 05:49:59.999999', 1), (1, 7, '2024-03-01 05:50:00', 2)");
        }
        assertEquals(Set.of("1@2024-03-01T00:00:00Z", "1@2024-03-01T00:20:00Z"), keys(capture.marks(10)));
    }

    @Test
    void anotherChunkSizeReplacesTheFunctionAndEarlierMarksKeepTheirWindow() throws Exception {
        TestDb db = source("timestamptz");
        capture(db, "PT1H").install();
        db.execute("INSERT INTO " + TABLE + " VALUES (1, 7, '2024-03-01 00:50+00', 1)");

        ChangeCapture capture = capture(db, "PT20M");
        CaptureState state = capture.install();
        db.execute("INSERT INTO " + TABLE + " VALUES (1, 7, '2024-03-01 02:50+00', 1)");

        assertEquals(java.time.Duration.ofMinutes(20), state.chunkSize().orElseThrow());
        assertEquals(Set.of("1@2024-03-01T00:00:00Z-2024-03-01T01:00:00Z", "1@2024-03-01T02:40:00Z-2024-03-01T03:00:00Z"),
                capture.marks(10).stream().map(m -> key(m) + "-" + m.windowEnd()).collect(Collectors.toSet()));
    }

    @Test
    void aWriterWithoutRightsOnTheControlSchemaStillWritesAndMarks() throws Exception {
        TestDb db = source("timestamptz");
        ChangeCapture capture = capture(db, "PT1H");
        capture.install();
        String writer = role(db, "ship_writer");
        db.execute("GRANT USAGE ON SCHEMA tenant TO " + writer, "GRANT INSERT, UPDATE, DELETE, SELECT ON " + TABLE + " TO " + writer);

        as(db, writer).execute("INSERT INTO " + TABLE + " VALUES (4, 7, '2024-03-01 00:10+00', 1)");

        assertEquals(Set.of("4@2024-03-01T00:00:00Z"), keys(capture.marks(10)));
    }

    @Test
    void rowsWithoutShipOrTimeMarkNothingAndDoNotFailTheWriter() throws Exception {
        TestDb db = new TestDb();
        db.execute("CREATE SCHEMA tenant", "CREATE TABLE " + TABLE + " (ship_id integer, data_channel_id integer, created_time timestamptz, value double precision)");
        ChangeCapture capture = capture(db, "PT1H");
        capture.install();

        db.execute("INSERT INTO " + TABLE + " VALUES (NULL, 7, '2024-03-01 00:10+00', 1), (1, 7, NULL, 1), (1, 7, '2024-03-01 00:10+00', 1)");

        assertEquals(Set.of("1@2024-03-01T00:00:00Z"), keys(capture.marks(10)));
    }

    @Test
    void uninstallRemovesEverythingAndWritesGoOn() throws Exception {
        TestDb db = source("timestamptz");
        ChangeCapture capture = capture(db, "PT1H");
        capture.install();
        db.execute("INSERT INTO " + TABLE + " VALUES (1, 7, '2024-03-01 00:10+00', 1)");

        capture.uninstall();

        assertTrue(capture.state().absent());
        assertEquals(0L, db.count("SELECT count(*) FROM pg_trigger WHERE tgrelid = 'tenant.tbl_data_timeseries'::regclass"));
        assertEquals(0L, db.count("SELECT count(*) FROM pg_class WHERE relnamespace = 'migrator'::regnamespace"));
        assertEquals(0L, db.count("SELECT count(*) FROM pg_proc WHERE pronamespace = 'migrator'::regnamespace"));
        db.execute("INSERT INTO " + TABLE + " VALUES (1, 7, '2024-03-01 00:20+00', 1)");
        assertEquals(List.of(), capture.marks(10));
        assertEquals(0, capture.pending());
        capture.uninstall(); // nothing left to remove
    }

    @Test
    void withoutTheTriggerPrivilegeTheInstallSaysSoInOneLineAndNamesTheFallback() throws Exception {
        TestDb db = source("timestamptz");
        String user = role(db, "capture_installer");
        db.execute("GRANT CREATE ON DATABASE " + db.url().substring(db.url().lastIndexOf('/') + 1) + " TO " + user,
                "GRANT USAGE ON SCHEMA tenant TO " + user, "GRANT SELECT ON " + TABLE + " TO " + user);
        PGSimpleDataSource limited = as(db, user).dataSource();
        ChangeCapture capture = new ChangeCapture(limited, SourceTable.inspect(limited, db.settings(Map.of())), "migrator", java.time.Duration.ofHours(1));

        CaptureUnavailableException e = assertThrows(CaptureUnavailableException.class, capture::install);

        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().startsWith("migrator.follow.capture=trigger: cannot install change capture on \"tenant\".\"tbl_data_timeseries\": "), e.getMessage());
        assertTrue(e.getMessage().contains("permission denied") && e.getMessage().contains("migrator.follow.capture=none"), e.getMessage());
        assertTrue(capture.state().absent(), "nothing is left half-installed");
    }

    @Test
    void aSecondSourceTableInTheSameControlSchemaIsRefused() throws Exception {
        TestDb db = source("timestamptz");
        capture(db, "PT1H").install();
        db.execute("CREATE TABLE tenant.other (LIKE " + TABLE + ")");
        Settings other = db.settings(Map.of(Settings.SOURCE_TABLE, "tenant.other"));
        ChangeCapture capture = ChangeCapture.of(db.dataSource(), SourceTable.inspect(db.dataSource(), other), other);

        CaptureUnavailableException e = assertThrows(CaptureUnavailableException.class, capture::install);

        assertTrue(e.getMessage().contains("installed on tenant.tbl_data_timeseries"), e.getMessage());
        assertEquals(0L, db.count("SELECT count(*) FROM pg_trigger WHERE tgrelid = 'tenant.other'::regclass"));
    }

    @Test
    void concurrentWritersOverTheSameWindowsDoNotDeadlock() throws Exception {
        TestDb db = source("timestamptz");
        capture(db, "PT1H").install();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Void>> writers = new ArrayList<>();
            // sets of different sizes, so that the (ship, window) pairs they share come out of DISTINCT in different orders
            for (int ships : List.of(5, 60)) {
                Callable<Void> writer = () -> {
                    start.await();
                    try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
                        for (int i = 0; i < 30; i++) {
                            s.execute("INSERT INTO " + TABLE + " SELECT s, 7, timestamptz '2024-03-01 00:00+00' + h * interval '1 hour', 1"
                                    + " FROM generate_series(1, " + ships + ") s, generate_series(0, 23) h ORDER BY random()");
                        }
                    }
                    return null;
                };
                writers.add(pool.submit(writer));
            }
            start.countDown();
            for (Future<Void> writer : writers) {
                writer.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(60 * 24, capture(db, "PT1H").pending());
    }

    private static TestDb source(String timeType) {
        TestDb db = new TestDb();
        db.execute("CREATE SCHEMA tenant", "CREATE TABLE " + TABLE + " (ship_id integer NOT NULL, data_channel_id integer NOT NULL,"
                + " created_time " + timeType + " NOT NULL, value double precision)");
        return db;
    }

    private static ChangeCapture capture(TestDb db, String chunkSize) throws SQLException {
        Settings settings = db.settings(Map.of(Settings.CHUNK_SIZE, chunkSize));
        return ChangeCapture.of(db.dataSource(), SourceTable.inspect(db.dataSource(), settings), settings);
    }

    /** A login role named after its database: roles belong to the whole server, which other tests share. */
    private static String role(TestDb db, String name) {
        String role = name + "_" + db.url().substring(db.url().lastIndexOf('/') + 1);
        db.execute("CREATE ROLE " + role + " LOGIN");
        return role;
    }

    private static TestDb as(TestDb db, String user) {
        TestDb other = new TestDb(db.url());
        other.dataSource().setUser(user);
        return other;
    }

    private static Set<String> keys(List<DirtyWindow> marks) {
        return marks.stream().map(ChangeCaptureTest::key).collect(Collectors.toSet());
    }

    private static String key(DirtyWindow mark) {
        return mark.ship() + "@" + mark.windowStart();
    }
}
