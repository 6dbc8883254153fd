package io.tsmigrator;

import io.tsmigrator.support.Cli;
import io.tsmigrator.support.Fleet;
import io.tsmigrator.support.TestDb;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code doctor} reports what would slow or break a run, recommends a chunk size, and writes nothing. */
class DoctorCommandTest {

    private static final String SOURCE = "tenant.tbl_data_timeseries";

    @Test
    void warnsAboutAShortStatementTimeoutAndAMissingIndexAndRecommendsAChunkSize() {
        TestDb db = new TestDb();
        Fleet.createWithoutIndex(db, SOURCE, List.of(1, 2, 3, 4, 5, 6, 7, 8), List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 2, 1);
        db.execute("ALTER DATABASE " + databaseName(db) + " SET statement_timeout = '5s'");

        Cli doctor = Cli.run(db.commandArgs("doctor"));
        Cli json = Cli.run(db.commandArgs("doctor", "--json"));
        db.execute("CREATE INDEX ON " + SOURCE + " (ship_id, created_time, data_channel_id)", "ANALYZE " + SOURCE);
        Cli indexed = Cli.run(db.commandArgs("doctor"));
        System.out.print(doctor.out());

        assertEquals(0, doctor.exitCode(), doctor.toString());
        assertTrue(line(doctor, "warn", "statement_timeout").contains("5 s (ALTER DATABASE)"), doctor.out());
        assertTrue(line(doctor, "ok", "change capture").contains("not installed"), doctor.out());
        assertTrue(line(doctor, "warn", "chunk query plan").contains("Seq Scan on tbl_data_timeseries"), doctor.out());
        assertTrue(doctor.out().contains("-> every chunk reads the whole table, and sends nothing until it reaches the ship's rows; "
                + "CREATE INDEX ON \"tenant\".\"tbl_data_timeseries\" (\"ship_id\", \"created_time\", \"data_channel_id\")"), doctor.out());
        assertTrue(doctor.out().contains("but with a Seq Scan every chunk reads the whole table, so no chunk size makes chunks quick: add the index first"),
                doctor.out());
        assertTrue(doctor.out().lines().anyMatch(l -> l.matches("recommended migrator\\.chunk-size=PT\\w+: .*statement_timeout \\(ALTER DATABASE\\) 5 s.*")),
                doctor.out());
        assertTrue(doctor.out().strip().endsWith("doctor: 0 fail, " + count(doctor, "warn") + " warn, " + count(doctor, "ok") + " ok"), doctor.out());

        assertEquals(0, json.exitCode(), json.toString());
        assertTrue(json.out().startsWith("{\"verdict\":\"warn\","), json.out());
        assertTrue(json.out().contains("{\"check\":\"statement_timeout\",\"verdict\":\"warn\",\"value\":\"5 s (ALTER DATABASE)"), json.out());
        assertTrue(json.out().contains("\"limit\":\"statement_timeout (ALTER DATABASE)\",\"limitSeconds\":5,"), json.out());
        assertEquals(1.25, number(json, "targetSeconds"));
        double estimate = number(json, "estimatedSeconds");
        assertTrue(estimate > 0 && estimate <= 1.25, "a recommended chunk reads in at most 25 % of 5 s: " + json.out());
        String recommended = json.out().replaceAll(".*\"recommendation\":\\{\"chunkSize\":\"(PT\\w+)\".*\\s*", "$1");
        assertTrue(recommended.matches("PT\\d+[HMS]"), json.out());

        assertEquals(0, indexed.exitCode(), indexed.toString());
        assertTrue(line(indexed, "ok", "chunk query plan").contains("using tbl_data_timeseries_ship_id_created_time_data_channel_id_idx"), indexed.out());
        assertFalse(indexed.out().lines().anyMatch(l -> l.startsWith("warn") && l.contains("chunk query plan")), indexed.out());
        assertFalse(indexed.out().contains("but with a Seq Scan"), indexed.out());
        assertTrue(line(indexed, "warn", "statement_timeout").contains("5 s (ALTER DATABASE)"), indexed.out());

        assertEquals(0, db.count("SELECT count(*) FROM pg_namespace WHERE nspname = 'migrator'"), "no control schema");
        assertEquals(0, db.count("SELECT count(*) FROM pg_class WHERE relname = 'tbl_data_timeseries_wide'"), "no wide table");
    }

    @Test
    void idleLimitsAndKeepalivesAreJudgedAgainstThePool() {
        TestDb db = new TestDb();
        Fleet.create(db, SOURCE, List.of(1), List.of(1), 1);
        db.execute("ALTER DATABASE " + databaseName(db) + " SET idle_in_transaction_session_timeout = '5s'",
                "ALTER DATABASE " + databaseName(db) + " SET idle_session_timeout = '60s'",
                "ALTER DATABASE " + databaseName(db) + " SET tcp_keepalives_idle = 60");

        Cli doctor = Cli.run(db.commandArgs("doctor"));
        db.execute("ALTER DATABASE " + databaseName(db) + " SET idle_session_timeout = '5min'");
        Cli pinged = Cli.run(db.commandArgs("doctor"));

        assertEquals(0, doctor.exitCode(), doctor.toString());
        assertTrue(line(doctor, "warn", "idle_in_transaction_session_timeout")
                .endsWith("5 s (ALTER DATABASE), shorter than the migrator's own 60 s, so it applies"), doctor.out());
        assertTrue(line(doctor, "warn", "idle_session_timeout").endsWith("60 s (ALTER DATABASE); the pools ping idle connections every 2 min"),
                doctor.out());
        assertTrue(doctor.out().contains("ALTER ROLE postgres SET idle_session_timeout = 0"), doctor.out());
        assertTrue(line(doctor, "ok", "tcp_keepalives").contains("idle 60 s (ALTER DATABASE), interval 75 s (default), count 9 (default)"), doctor.out());
        assertTrue(line(pinged, "ok", "idle_session_timeout").endsWith("5 min (ALTER DATABASE); the pools ping idle connections every 2 min"),
                pinged.out());
    }

    @Test
    void aSeparateTargetDatabaseIsExaminedToo() {
        TestDb db = new TestDb();
        TestDb target = new TestDb();
        Fleet.create(db, SOURCE, List.of(1, 2), List.of(1, 2), 2);
        target.execute("ALTER DATABASE " + databaseName(target) + " SET statement_timeout = '3s'");

        Cli doctor = Cli.run(db.commandArgs("doctor", "--json", "--migrator.target.url=" + target.url(), "--migrator.target.username=postgres"));

        assertEquals(0, doctor.exitCode(), doctor.toString());
        assertTrue(doctor.out().contains("{\"check\":\"connections (source)\",\"verdict\":\"ok\",\"value\":\"migrator.parallelism=2 needs 2 (read 2);"), doctor.out());
        assertTrue(doctor.out().contains("{\"check\":\"connections (target)\",\"verdict\":\"ok\",\"value\":\"migrator.parallelism=2 needs 8 (write 2, control 6);"),
                doctor.out());
        assertTrue(doctor.out().contains("{\"check\":\"statement_timeout (source)\",\"verdict\":\"ok\",\"value\":\"0 (default: off);"), doctor.out());
        assertTrue(doctor.out().contains("{\"check\":\"statement_timeout (target)\",\"verdict\":\"warn\",\"value\":\"3 s (ALTER DATABASE)"), doctor.out());
        assertTrue(doctor.out().contains("\"limit\":\"statement_timeout on target (ALTER DATABASE)\",\"limitSeconds\":3,"), doctor.out());
        assertEquals(0.75, number(doctor, "targetSeconds"));
        assertEquals(0, target.count("SELECT count(*) FROM pg_namespace WHERE nspname IN ('migrator', 'tenant')"), "nothing created in the target");
    }

    @Test
    void anUnknownShipOrAnUnreachableDatabaseIsOneLine() {
        TestDb db = new TestDb();
        Fleet.create(db, SOURCE, List.of(1, 2), List.of(1), 1);

        Cli unknown = Cli.run(db.commandArgs("doctor", "--migrator.ships=999"));
        Cli unreachable = Cli.run(List.of("doctor", "--migrator.source.url=jdbc:postgresql://127.0.0.1:1/nowhere"));

        assertEquals(2, unknown.exitCode(), unknown.toString());
        assertEquals("", unknown.out());
        assertEquals("error: migrator.ships='999' is invalid: expected ships that have readings in tenant.tbl_data_timeseries", unknown.err().strip());
        assertEquals(2, unreachable.exitCode(), unreachable.toString());
        assertEquals(1, unreachable.err().lines().count(), unreachable.toString());
        assertTrue(unreachable.err().startsWith("error: migrator.source.url='jdbc:postgresql://127.0.0.1:1/nowhere': cannot connect"), unreachable.toString());
    }

    @Test
    void aMissingSourceTableFailsAfterTheServerChecks() {
        TestDb db = new TestDb();

        Cli doctor = Cli.run(db.commandArgs("doctor", "--migrator.source.table=tenant.nothing"));

        assertEquals(2, doctor.exitCode(), doctor.toString());
        assertTrue(line(doctor, "fail", "source table").contains("tenant.nothing"), doctor.out());
        assertTrue(doctor.out().contains("-> migrator.source.table='tenant.nothing' is invalid: expected an existing table in the source database"), doctor.out());
        assertTrue(line(doctor, "ok", "statement_timeout").contains("0 (default: off)"), doctor.out());
        assertTrue(doctor.out().strip().endsWith("doctor: 1 fail, " + count(doctor, "warn") + " warn, " + count(doctor, "ok") + " ok"), doctor.out());
    }

    @Test
    void aWideTableTheRunCannotWriteFails() {
        TestDb db = new TestDb();
        Fleet.create(db, SOURCE, List.of(1, 2), List.of(1, 2, 3), 1);
        db.execute("CREATE TABLE tenant.tbl_data_timeseries_wide (ship_id bigint, created_time timestamptz, ch_1 real,"
                + " ch_2 double precision, note text NOT NULL, PRIMARY KEY (ship_id, created_time))");

        Cli doctor = Cli.run(db.commandArgs("doctor"));

        assertEquals(2, doctor.exitCode(), doctor.toString());
        assertTrue(doctor.out().contains("-> NOT NULL columns without a default that the run does not write: note"), doctor.out());
        assertTrue(line(doctor, "fail", "target key columns").contains("ship_id bigint"), doctor.out());
        assertTrue(line(doctor, "fail", "channel columns").contains("3 channel columns (those of the sample chunk; the source was not searched): 2 have a column, 1 to add: ch_3"),
                doctor.out());
        assertTrue(doctor.out().contains("cannot read (SQLState 22P03): ch_1 real;"), doctor.out());
        assertTrue(doctor.out().strip().endsWith("doctor: 3 fail, " + count(doctor, "warn") + " warn, " + count(doctor, "ok") + " ok"), doctor.out());
    }

    @Test
    void aRenamedChannelWhoseOldColumnRemainsIsAWarning(@TempDir Path dir) throws IOException {
        TestDb db = new TestDb();
        Fleet.create(db, SOURCE, List.of(1, 2), List.of(1, 2), 1);
        db.execute("CREATE INDEX ON " + SOURCE + " (data_channel_id)",
                "CREATE TABLE tenant.tbl_data_timeseries_wide (ship_id integer, created_time timestamptz, ch_1 double precision,"
                        + " ch_2 double precision, PRIMARY KEY (ship_id, created_time))");
        Path mapping = Files.writeString(dir.resolve("channels.csv"), "data_channel_id,column_name\n1,engine_rpm\n");

        Cli doctor = Cli.run(db.commandArgs("doctor", "--migrator.channels.mapping=" + mapping));

        assertEquals(0, doctor.exitCode(), doctor.toString());
        assertTrue(line(doctor, "ok", "channel ids").contains("an index leads with data_channel_id"), doctor.out());
        assertTrue(line(doctor, "ok", "chunk query plan").contains("Seq Scan"), doctor.out());
        assertTrue(doctor.out().matches("(?s).*-> the table is small \\(~[0-9,]+ rows\\), so the planner prefers a Seq Scan; tbl_data_timeseries_ship_id_created_time_data_channel_id_idx.*"), doctor.out());
        assertTrue(line(doctor, "ok", "channel columns").contains("2 channel columns (by index probes): 1 has a column, 1 to add: engine_rpm"), doctor.out());
        assertTrue(line(doctor, "warn", "channel mapping").endsWith("channels.csv names 1 channel"), doctor.out());
        assertTrue(doctor.out().contains("-> the table still has the prefixed columns of renamed channels, which the run no longer writes: ch_1 (now engine_rpm)"),
                doctor.out());
    }

    @Test
    void aServerWithoutConnectionsToSpareFailsWithTheOtherFindings() throws SQLException {
        TestDb db = new TestDb();
        Fleet.create(db, SOURCE, List.of(1), List.of(1), 1);
        List<Connection> held = new ArrayList<>();
        try {
            // parallelism 64 needs 196 of the shared server's 200 connections; these six make sure they are not free
            for (int i = 0; i < 6; i++) {
                held.add(db.dataSource().getConnection());
            }

            Cli doctor = Cli.run(db.commandArgs("doctor", "--migrator.parallelism=64"));

            assertEquals(2, doctor.exitCode(), doctor.toString());
            assertTrue(line(doctor, "fail", "connections (source and target)").contains("migrator.parallelism=64 needs 196 (read 64, write 64, control 68)"),
                    doctor.out());
            assertTrue(doctor.out().contains("lower migrator.parallelism or raise max_connections"), doctor.out());
            assertTrue(doctor.out().lines().anyMatch(l -> l.startsWith("ok") && l.contains("sample chunk")), doctor.out());
        } finally {
            for (Connection c : held) {
                c.close();
            }
        }
    }

    /**
     * A user who stops following removes the capture in one command: this control schema's triggers
     * and mark table leave the source, another control schema's capture and the ledger stay, and
     * the source's writers go on.
     */
    @Test
    void dropCaptureRemovesThisSchemasTriggersAndMarksFromTheSource() {
        TestDb db = new TestDb();
        Fleet.create(db, SOURCE, List.of(1, 2), List.of(1, 2), 1);
        assertEquals(0, Cli.run(db.runArgs()).exitCode());
        assertEquals(0, Cli.run(db.runArgs("--migrator.control-schema=other_job")).exitCode());
        db.execute("INSERT INTO " + SOURCE + " SELECT 1, 3, min(created_time), 1 FROM " + SOURCE + " WHERE ship_id = 1");
        assertEquals(List.of(List.of("tsmigrator_migrator_delete"), List.of("tsmigrator_migrator_insert"), List.of("tsmigrator_migrator_update"),
                List.of("tsmigrator_other_job_delete"), List.of("tsmigrator_other_job_insert"), List.of("tsmigrator_other_job_update")), triggers(db));

        Cli drop = Cli.run(db.commandArgs("doctor", "--drop-capture"));
        Cli again = Cli.run(db.commandArgs("doctor", "--drop-capture"));

        assertEquals(0, drop.exitCode(), drop.toString());
        assertTrue(drop.out().startsWith("change capture of control schema migrator removed from the source: its triggers, function, mark table"
                + " and sequence; 1 windows marked changed were not migrated again"), drop.out());
        assertTrue(drop.out().contains("the next run installs it again unless migrator.follow.capture=none"), drop.out());
        assertEquals(List.of(List.of("tsmigrator_other_job_delete"), List.of("tsmigrator_other_job_insert"), List.of("tsmigrator_other_job_update")),
                triggers(db));
        assertEquals(List.of(List.of("other_job.dirty_window")), db.rows("SELECT oid::regclass::text FROM pg_class WHERE relname = 'dirty_window'"));
        assertEquals(0L, db.count("SELECT count(*) FROM pg_proc WHERE proname = 'capture_dirty_window' AND pronamespace = 'migrator'::regnamespace"));
        assertTrue(db.count("SELECT count(*) FROM migrator.chunk") > 0, "the ledger stays");
        db.execute("INSERT INTO " + SOURCE + " SELECT 2, 3, min(created_time), 1 FROM " + SOURCE + " WHERE ship_id = 2");
        assertEquals(0, again.exitCode(), again.toString());
        assertEquals("change capture of control schema migrator: nothing installed in the source", again.out().strip());
        assertEquals(2, Cli.run(db.commandArgs("doctor", "--drop-capture", "--mapping-template")).exitCode());
        assertEquals(2, Cli.run(db.commandArgs("report", "--drop-capture")).exitCode());
    }

    private static List<List<Object>> triggers(TestDb db) {
        return db.rows("SELECT tgname::text FROM pg_trigger WHERE tgrelid = '" + SOURCE + "'::regclass AND NOT tgisinternal ORDER BY 1");
    }

    private static String line(Cli cli, String verdict, String check) {
        return cli.out().lines().filter(l -> l.matches(verdict + "\\s+" + Pattern.quote(check) + "\\s{2,}.*")).findFirst()
                .orElseThrow(() -> new AssertionError("no '" + verdict + "' line for " + check + " in:\n" + cli.out()));
    }

    private static long count(Cli cli, String verdict) {
        return cli.out().lines().filter(l -> l.startsWith(verdict + " ")).count();
    }

    private static double number(Cli cli, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":([0-9.]+)").matcher(cli.out());
        assertTrue(m.find(), key + " in " + cli.out());
        return Double.parseDouble(m.group(1));
    }

    private static String databaseName(TestDb db) {
        return db.url().substring(db.url().lastIndexOf('/') + 1);
    }
}
