package io.tsmigrator;

import io.tsmigrator.run.ExitCodes;
import io.tsmigrator.support.Await;
import io.tsmigrator.support.Cli;
import io.tsmigrator.support.Fleet;
import io.tsmigrator.support.SqlPivot;
import io.tsmigrator.support.TestDb;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fleets whose ships have their own channel ids: a per-ship mapping onto shared columns, the
 * unmapped policy, the 1,600-column limit, channels that appear after a run, and a start that does
 * not scan the source for channels.
 */
class FleetChannelsTest {

    private static final String SOURCE = "tenant.tbl_data_timeseries";
    private static final String WIDE = "tenant.tbl_data_timeseries_wide";
    private static final List<Integer> SHIPS = List.of(1, 2, 3, 4);
    private static final List<Integer> SENSORS = List.of(1, 2, 3, 4, 5, 6);

    @TempDir
    Path dir;

    /** Ship s reads sensor k as channel s * 1000 + k; ship 4 also has a channel of its own, 4999. */
    private static TestDb shipSpecificFleet() {
        TestDb db = new TestDb();
        Fleet.create(db, SOURCE, SHIPS, SENSORS, 2);
        db.execute("UPDATE " + SOURCE + " SET data_channel_id = ship_id * 1000 + data_channel_id",
                "INSERT INTO " + SOURCE + " SELECT ship_id, 4999, created_time, value FROM " + SOURCE + " WHERE ship_id = 4 AND data_channel_id = 4001",
                "ANALYZE " + SOURCE);
        return db;
    }

    private Path mapping(List<Integer> sensors) throws IOException {
        StringBuilder csv = new StringBuilder("ship_id,data_channel_id,column_name\n");
        for (int ship : SHIPS) {
            for (int k : sensors) {
                csv.append(ship).append(',').append(ship * 1000 + k).append(",sensor_").append(k).append('\n');
            }
        }
        return Files.writeString(dir.resolve("fleet.csv"), csv);
    }

    private static Map<String, Map<String, String>> through(List<Integer> sensors, Map<String, String> more) {
        Map<String, Map<String, String>> mapping = new LinkedHashMap<>();
        for (int ship : SHIPS) {
            Map<String, String> channels = new LinkedHashMap<>();
            sensors.forEach(k -> channels.put(String.valueOf(ship * 1000 + k), "sensor_" + k));
            mapping.put(String.valueOf(ship), channels);
        }
        more.forEach((shipAndChannel, column) -> mapping.get(shipAndChannel.split("/")[0]).put(shipAndChannel.split("/")[1], column));
        return mapping;
    }

    private static Set<String> wideColumns(TestDb db) {
        return db.rows("SELECT column_name::text FROM information_schema.columns WHERE table_schema = 'tenant' AND table_name = 'tbl_data_timeseries_wide'")
                .stream().map(r -> (String) r.get(0)).collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void shipSpecificIdsMappedOntoSharedColumnsEqualThePivotThroughTheMapping() throws IOException {
        TestDb db = shipSpecificFleet();

        Cli run = Cli.run(db.runArgs("--migrator.channels.mapping=" + mapping(SENSORS), "--migrator.chunk-size=PT30M"));

        assertEquals(0, run.exitCode(), run.toString());
        List<String> columns = new ArrayList<>(SENSORS.stream().map(k -> "sensor_" + k).toList());
        columns.add("ch_4999"); // not in the file: unmapped=column gives it a column of its own
        SqlPivot.assertWideEqualsPivotThroughMapping(db, SOURCE, WIDE, through(SENSORS, Map.of("4/4999", "ch_4999")), columns);
        Set<String> expected = new TreeSet<>(columns);
        expected.addAll(List.of("ship_id", "created_time"));
        assertEquals(expected, wideColumns(db), "one column per shared name, none per ship-specific id");
        assertEquals(0, db.count("SELECT count(*) FROM migrator.chunk WHERE status <> 'DONE' OR attempts <> 1"),
                "a chunk redone with new columns is no new attempt, and none failed");
        Cli verify = Cli.run(db.commandArgs("verify", "--migrator.channels.mapping=" + dir.resolve("fleet.csv")));
        assertEquals(0, verify.exitCode(), "verify takes each ship's channels through its mapping: " + verify);
        db.execute("UPDATE " + SOURCE + " SET value = value + 1 WHERE ship_id = 2 AND data_channel_id = 2003"
                + " AND created_time = (SELECT min(created_time) FROM " + SOURCE + " WHERE ship_id = 2 AND data_channel_id = 2003 AND value IS NOT NULL)");
        Cli differs = Cli.run(db.commandArgs("verify", "--migrator.channels.mapping=" + dir.resolve("fleet.csv")));
        assertEquals(1, differs.exitCode(), differs.toString());
        assertTrue(differs.out().contains("1 differ"), differs.out());
    }

    @Test
    void unmappedSkipLeavesOutAndCountsTheReadingsOfChannelsTheFileDoesNotName() throws IOException {
        TestDb db = shipSpecificFleet();
        List<Integer> named = List.of(1, 2, 3);

        Cli run = Cli.run(db.runArgs("--migrator.channels.mapping=" + mapping(named), "--migrator.channels.unmapped=skip"));

        assertEquals(0, run.exitCode(), run.toString());
        SqlPivot.assertWideEqualsPivotThroughMapping(db, SOURCE, WIDE, through(named, Map.of()), List.of("sensor_1", "sensor_2", "sensor_3"));
        assertEquals(Set.of("ship_id", "created_time", "sensor_1", "sensor_2", "sensor_3"), wideColumns(db));
        long unnamed = db.count("SELECT count(*) FROM " + SOURCE + " WHERE data_channel_id % 1000 NOT IN (1, 2, 3)");
        assertTrue(unnamed > 0);
        assertEquals(unnamed, db.count("SELECT sum(rows_skipped) FROM migrator.chunk WHERE status = 'DONE'"), "every skipped reading is counted");

        Cli verify = Cli.run(db.commandArgs("verify", "--migrator.channels.mapping=" + dir.resolve("fleet.csv"), "--migrator.channels.unmapped=skip"));
        assertEquals(0, verify.exitCode(), "verify leaves out what the mapping skips: " + verify);

        Cli report = Cli.run(db.commandArgs("report"));
        assertEquals(0, report.exitCode(), report.toString());
        assertTrue(report.out().contains("readings skipped (channels the mapping does not name, migrator.channels.unmapped=skip): " + unnamed),
                report.out());
    }

    @Test
    void aFileGivingOneColumnTwoChannelsOfOneShipIsRefusedBeforeAnythingIsWritten() throws IOException {
        TestDb db = shipSpecificFleet();
        Path file = Files.writeString(dir.resolve("conflict.csv"),
                "ship_id,data_channel_id,column_name\n1,1001,sensor_1\n2,2001,sensor_1\n# ship 1 again\n1,1002,sensor_1\n");

        Cli run = Cli.run(db.runArgs("--migrator.channels.mapping=" + file));

        assertEquals(2, run.exitCode(), run.toString());
        assertEquals("error: migrator.channels.mapping " + file + " line 5: ship 1 maps channels 1001 (line 2) and 1002 to column sensor_1;"
                + " within one ship a column takes one channel", run.err().strip());
        assertNull(db.scalar("SELECT to_regclass('" + WIDE + "')"));
        assertNull(db.scalar("SELECT to_regclass('migrator.chunk')"));
    }

    /** 20 ships with 93 channel ids each of their own: 1,860 ids, and a few readings of each. */
    private static TestDb twentyShipsOfTheirOwnIds(boolean shipChannelIndex) {
        return twentyShipsOfTheirOwnIds(shipChannelIndex, true);
    }

    /** @param analyzed whether the planner has statistics of the table (else autovacuum is kept from making them) */
    private static TestDb twentyShipsOfTheirOwnIds(boolean shipChannelIndex, boolean analyzed) {
        TestDb db = new TestDb();
        db.execute("CREATE SCHEMA tenant",
                "CREATE TABLE " + SOURCE + " (ship_id integer NOT NULL, data_channel_id integer NOT NULL, created_time timestamptz NOT NULL, value double precision)"
                        + (analyzed ? "" : " WITH (autovacuum_enabled = false)"),
                "INSERT INTO " + SOURCE + " SELECT s, s * 1000 + k, timestamptz '2024-03-01 00:00:00+00' + m * interval '1 minute', s + k + m"
                        + " FROM generate_series(1, 20) s, generate_series(1, 93) k, generate_series(0, 9) m",
                "CREATE INDEX ON " + SOURCE + " (ship_id, created_time, data_channel_id)",
                shipChannelIndex ? "CREATE INDEX ON " + SOURCE + " (ship_id, data_channel_id)" : "SELECT 'no index on (ship, channel)'",
                analyzed ? "ANALYZE " + SOURCE : "SELECT 'no statistics'");
        return db;
    }

    @Test
    void withNothingToCountTheChannelsWithTheChunkThatWouldPassTheLimitFailsAsPermanentWritingNothing() {
        TestDb db = twentyShipsOfTheirOwnIds(false, false);

        Cli run = Cli.run(db.runArgs("--migrator.parallelism=1"));

        assertEquals(ExitCodes.DEAD_LETTERS, run.exitCode(), run.toString());
        long columns = db.count("SELECT count(*) FROM pg_attribute WHERE attrelid = '" + WIDE + "'::regclass AND attnum > 0");
        assertTrue(columns <= 1600, columns + " columns");
        List<List<Object>> failed = db.rows("SELECT ship_id, last_error FROM migrator.chunk WHERE status = 'FAILED'");
        assertTrue(!failed.isEmpty() && failed.size() < 20, failed.size() + " chunks failed");
        for (List<Object> chunk : failed) {
            assertTrue(((String) chunk.get(1)).contains("would take") && ((String) chunk.get(1)).contains("more than PostgreSQL's limit of 1,600"),
                    (String) chunk.get(1));
            assertEquals(0, db.count("SELECT count(*) FROM " + WIDE + " WHERE ship_id = " + chunk.get(0)), "nothing of a failed chunk is written");
        }
        assertEquals(20 - failed.size(), db.count("SELECT count(DISTINCT ship_id) FROM " + WIDE));
    }

    @Test
    void aFleetPastTheColumnLimitIsRefusedAtStartAndDoctorsTemplateMapsItOntoSharedColumns() throws IOException {
        TestDb db = twentyShipsOfTheirOwnIds(true);

        Cli run = Cli.run(db.runArgs());

        assertEquals(2, run.exitCode(), run.toString());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertTrue(run.err().startsWith("error: the wide table tenant.tbl_data_timeseries_wide would take 1,862 columns"), run.err());
        assertTrue(run.err().contains("more than PostgreSQL's limit of 1,600: map the channels of different ships onto shared columns in migrator.channels.mapping"),
                run.err());
        assertNull(db.scalar("SELECT to_regclass('" + WIDE + "')"), "nothing written");

        Cli doctor = Cli.run(db.commandArgs("doctor"));
        assertEquals(2, doctor.exitCode(), doctor.toString());
        assertTrue(doctor.out().contains("20 ships, 1,860 channel ids, no id shared by two ships"), doctor.out());
        assertTrue(doctor.out().lines().anyMatch(l -> l.startsWith("fail") && l.contains("column limit")), doctor.out());

        Cli template = Cli.run(db.commandArgs("doctor", "--mapping-template"));
        assertEquals(0, template.exitCode(), template.toString());
        List<CSVRecord> lines;
        try (CSVParser csv = CSVParser.parse(template.out(), CSVFormat.DEFAULT.builder().setCommentMarker('#').setHeader().get())) {
            assertEquals(List.of("ship_id", "data_channel_id", "column_name"), csv.getHeaderNames());
            lines = csv.getRecords();
        }
        assertEquals(1860, lines.size());
        assertEquals(List.of("1", "1001", "ch_1001"), lines.get(0).toList());
        // the user names the columns: sensor k of every ship in one column
        StringBuilder edited = new StringBuilder("ship_id,data_channel_id,column_name\n");
        Map<String, Map<String, String>> through = new LinkedHashMap<>();
        for (CSVRecord line : lines) {
            String column = "sensor_" + (Integer.parseInt(line.get(1)) % 1000);
            edited.append(line.get(0)).append(',').append(line.get(1)).append(',').append(column).append('\n');
            through.computeIfAbsent(line.get(0), s -> new LinkedHashMap<>()).put(line.get(1), column);
        }
        Path file = Files.writeString(dir.resolve("edited.csv"), edited);

        Cli mapped = Cli.run(db.runArgs("--migrator.channels.mapping=" + file));

        assertEquals(0, mapped.exitCode(), mapped.toString());
        SqlPivot.assertWideEqualsPivotThroughMapping(db, SOURCE, WIDE, through,
                IntStream.rangeClosed(1, 93).mapToObj(k -> "sensor_" + k).toList());
    }

    @Test
    void withoutAChannelIndexThePlannersStatisticsStillRefuseTheFleetAtStart() {
        TestDb db = twentyShipsOfTheirOwnIds(false);

        Cli run = Cli.run(db.runArgs());

        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.err().contains("columns (about, by the planner's statistics of the channel column), more than PostgreSQL's limit"), run.err());
        assertNull(db.scalar("SELECT to_regclass('" + WIDE + "')"));

        Cli template = Cli.run(db.commandArgs("doctor", "--mapping-template"));
        assertEquals(2, template.exitCode(), template.toString());
        assertTrue(template.err().contains("CREATE INDEX ON \"tenant\".\"tbl_data_timeseries\" (\"ship_id\", \"data_channel_id\")"), template.err());
    }

    @Test
    void aChannelAndAShipThatAppearAfterARunGetTheirColumnAndEqualThePivot() {
        TestDb db = new TestDb();
        List<Integer> channels = List.of(1, 2, 3);
        Fleet.create(db, SOURCE, List.of(1, 2, 3), channels, 2);
        Cli first = Cli.run(db.runArgs());
        assertEquals(0, first.exitCode(), first.toString());
        assertEquals(Set.of("ship_id", "created_time", "ch_1", "ch_2", "ch_3"), wideColumns(db));

        // a sensor fitted on ship 1 after the run, and a new ship that has it too
        db.execute("INSERT INTO " + SOURCE + " SELECT 1, ch, timestamptz '2024-03-01 02:00:00+00' + s * interval '5 second', s"
                        + " FROM generate_series(0, 700) s, unnest(ARRAY[1, 77]) ch",
                "INSERT INTO " + SOURCE + " SELECT 9, ch, timestamptz '2024-03-01 00:00:00+00' + s * interval '5 second', -s"
                        + " FROM generate_series(0, 700) s, unnest(ARRAY[2, 77]) ch", "ANALYZE " + SOURCE);
        Cli second = Cli.run(db.runArgs());

        assertEquals(0, second.exitCode(), second.toString());
        SqlPivot.assertWideEqualsPivot(db, SOURCE, WIDE, List.of("1", "2", "3", "77"), List.of("ch_1", "ch_2", "ch_3", "ch_77"));
        assertEquals(0, db.count("SELECT count(*) FROM migrator.dead_letter"), "a new channel is no failure");
    }

    @Test
    void aRunStartAgainstASourceWithoutAChannelIndexDoesNotScanTheTable() {
        TestDb db = new TestDb();
        // large enough that one ship's hour is read through the (ship, time) index, never by a scan
        Fleet.create(db, SOURCE, List.of(1, 2, 3), IntStream.rangeClosed(1, 10).boxed().toList(), 6);
        long[] before = scans(db);

        Cli run = Cli.run(db.runArgs("--migrator.ships=2", "--migrator.from=2024-03-01T04:00:00Z", "--migrator.to=2024-03-01T05:00:00Z"));

        assertEquals(0, run.exitCode(), run.toString());
        // the run's sessions have ended (and flushed their counters) once none is left on the database
        Await.until("the run's sessions to end", Duration.ofSeconds(20), () -> db.count("SELECT count(*) FROM pg_stat_activity"
                + " WHERE datname = current_database() AND pid <> pg_backend_pid()") == 0);
        Await.until("the chunk's index reads in pg_stat_user_tables", Duration.ofSeconds(10), () -> scans(db)[2] > before[2]);
        long[] after = scans(db);
        assertEquals(before[0], after[0], "sequential scans of the source");
        assertEquals(before[1], after[1], "rows read by sequential scans of the source");
        SqlPivot.assertWideEqualsPivot(db, "(SELECT * FROM " + SOURCE + " WHERE ship_id = 2 AND created_time >= '2024-03-01T04:00:00Z'"
                + " AND created_time < '2024-03-01T05:00:00Z') AS scoped", WIDE, SqlPivot.ids(IntStream.rangeClosed(1, 10).boxed().toList()),
                SqlPivot.prefixed(IntStream.rangeClosed(1, 10).boxed().toList()));
    }

    /** The source's seq_scan, seq_tup_read and idx_scan. */
    private static long[] scans(TestDb db) {
        List<Object> row = db.rows("SELECT seq_scan, seq_tup_read, coalesce(idx_scan, 0) FROM pg_stat_user_tables WHERE relid = '" + SOURCE + "'::regclass").get(0);
        return new long[] {((Number) row.get(0)).longValue(), ((Number) row.get(1)).longValue(), ((Number) row.get(2)).longValue()};
    }
}
