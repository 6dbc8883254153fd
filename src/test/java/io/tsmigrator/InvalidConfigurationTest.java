package io.tsmigrator;

import io.tsmigrator.support.ChildJvm;
import io.tsmigrator.support.Cli;
import io.tsmigrator.support.Fleet;
import io.tsmigrator.support.TestDb;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input ends with exit 2 and one line that names the key or value, and touches nothing already migrated. */
class InvalidConfigurationTest {

    private static TestDb db;

    @BeforeAll
    static void fleet() {
        db = new TestDb();
        Fleet.create(db, "tenant.tbl_data_timeseries", List.of(1, 2), List.of(10, 20), 1);
        db.execute("CREATE TABLE tenant.texty (ship_id int, data_channel_id int, created_time timestamptz, value text)");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "--migrator.chunk-size=abc                       | migrator.chunk-size='abc'",
            "--migrator.chunk-size=PT0S                      | migrator.chunk-size='PT0S'",
            "--migrator.parallelism=0                        | migrator.parallelism='0'",
            "--migrator.chunk-sise=PT1H                      | migrator.chunk-sise is not a known setting",
            "--migrator.source.table=x;drop table y          | migrator.source.table='x;drop table y'",
            "--migrator.source.table=nope.nothing            | migrator.source.table='nope.nothing'",
            "--migrator.source.value-column=created_tim      | migrator.source.value-column='created_tim'",
            "--migrator.from=yesterday                       | migrator.from='yesterday'",
            "--migrator.to=2020-01-01T00:00:00Z              | migrator.to='2020-01-01T00:00:00Z'",
            "--migrator.ships=999                            | migrator.ships='999'",
            "--migrator.min-chunk-size=PT2H                  | migrator.min-chunk-size is no longer a setting (the migrator uses PT1M)",
            "--migrator.pool.keepalive-time=PT10S            | migrator.pool.keepalive-time is no longer a setting (the migrator uses PT2M)",
            "--migrator.lease=PT2S                           | migrator.lease='PT2S'",
            "--migrator.channels.mapping=/no/such/file.csv   | migrator.channels.mapping='/no/such/file.csv'",
            "--migrator.source.table=tenant.texty            | migrator.source.value-column='value'",
            "chunk-size=PT1H                                 | unknown command 'chunk-size=PT1H'",
            "--ship=1                                        | option '--ship' is not known to the command 'run'",
    })
    void rejectsWithOneLineNamingTheKey(String arg, String expected) {
        List<String> args = new ArrayList<>(db.runArgs());
        args.add(arg.contains("--migrator.to=") ? "--migrator.from=2021-01-01T00:00:00Z" : "--migrator.retry.max-attempts=8");
        args.add(arg);

        Cli run = Cli.run(args);

        assertEquals(2, run.exitCode(), run.toString());
        assertEquals(1, run.err().lines().count(), run.toString());
        assertTrue(run.err().startsWith("error: "), run.toString());
        assertTrue(run.err().contains(expected), run.toString());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"run", "plan", "report", "verify", "replay"})
    void anUnreachableDatabaseIsOneLineNamingTheUrl(String command) {
        Cli run = Cli.run(List.of(command, "--migrator.source.url=jdbc:postgresql://127.0.0.1:1/nowhere"));

        assertEquals(2, run.exitCode(), run.toString());
        assertEquals(1, run.err().lines().count(), run.toString());
        assertTrue(run.err().contains("migrator.source.url='jdbc:postgresql://127.0.0.1:1/nowhere': cannot connect"), run.toString());
    }

    @Test
    void anExistingWideTableWithoutTheTimeColumnIsOneLineAndStaysAsItWas() {
        db.execute("CREATE TABLE tenant.timeless_wide (ship_id integer PRIMARY KEY, note text)");

        Cli run = Cli.run(db.runArgs("--migrator.target.table=tenant.timeless_wide"));

        assertEquals(2, run.exitCode(), run.toString());
        assertEquals(1, run.err().lines().count(), run.toString());
        assertTrue(run.err().contains("migrator.target.table='tenant.timeless_wide' exists but has no column 'created_time'"), run.toString());
        assertEquals(List.of(List.of("ship_id"), List.of("note")),
                db.rows("SELECT attname::text FROM pg_attribute WHERE attrelid = 'tenant.timeless_wide'::regclass AND attnum > 0 ORDER BY attnum"));
    }

    @Test
    void aRouteFileThatIsNotYamlIsOneLineNamingFileAndPlaceAndNoWideTableIsMade(@TempDir Path dir) throws Exception {
        // an unclosed flow sequence in the middle of the route's mapping
        Path broken = routesWith(dir, "    id: migrate-chunk\n", "    id: migrate-chunk\n   bad: [unclosed\n");

        assertRefusedBeforeTheTarget(broken, "expected <block end>, but found '<block mapping start>' at line 3, column 4");
    }

    @Test
    void aRouteFieldCamelDoesNotKnowIsOneLineNamingFileAndPlaceAndNoWideTableIsMade(@TempDir Path dir) throws Exception {
        Path broken = routesWith(dir, "      steps:\n", "      stepz:\n");

        assertRefusedBeforeTheTarget(broken, "Unsupported field: stepz at line 15, column 9");
    }

    /** A copy of the project's routes whose chunk route has {@code line} replaced; returns that file. */
    private static Path routesWith(Path dir, String line, String replacement) throws IOException {
        Path routes = Files.createDirectories(dir.resolve("routes"));
        try (var files = Files.list(Path.of("routes"))) {
            for (Path file : files.toList()) {
                Files.copy(file, routes.resolve(file.getFileName()));
            }
        }
        Path route = routes.resolve("migrate-chunk.camel.yaml");
        String yaml = Files.readString(route);
        assertTrue(yaml.contains(line), yaml);
        Files.writeString(route, yaml.replace(line, replacement));
        return route;
    }

    /** Runs in the directory above the broken routes, as a user who edited them would. */
    private static void assertRefusedBeforeTheTarget(Path broken, String problem) throws IOException, InterruptedException {
        ChildJvm run = ChildJvm.start(db.runArgs("--migrator.target.table=tenant.unread_routes_wide"), broken.getParent().getParent());

        assertEquals(2, run.await(120), run.output());
        List<String> errors = run.output().lines().filter(l -> l.startsWith("error: ")).toList();
        assertEquals(1, errors.size(), run.output());
        assertTrue(errors.get(0).startsWith("error: file:" + broken.toAbsolutePath() + " is not a route file Camel can read: "), run.output());
        assertTrue(errors.get(0).contains(problem), run.output());
        assertTrue(run.output().lines().noneMatch(l -> l.startsWith("\tat ")), "no stack trace: " + run.output());
        assertNull(db.scalar("SELECT to_regclass('tenant.unread_routes_wide')::text"), run.output());
    }

    @Test
    void aBadSettingAfterAMigrationLeavesTheWideTableAsItWas() {
        TestDb own = new TestDb();
        Fleet.create(own, "tenant.tbl_data_timeseries", List.of(1), List.of(10, 20), 1);
        assertEquals(0, Cli.run(own.runArgs()).exitCode());
        Object before = own.scalar("SELECT sum(xmin::text::bigint) || '/' || count(*) FROM tenant.tbl_data_timeseries_wide");

        Cli bad = Cli.run(own.runArgs("--migrator.channels=10,abc"));

        assertEquals(2, bad.exitCode(), bad.toString());
        assertTrue(bad.err().contains("migrator.channels='abc'"), bad.toString());
        assertEquals(before, own.scalar("SELECT sum(xmin::text::bigint) || '/' || count(*) FROM tenant.tbl_data_timeseries_wide"));
    }
}
