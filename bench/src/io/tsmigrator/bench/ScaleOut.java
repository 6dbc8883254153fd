package io.tsmigrator.bench;

import io.tsmigrator.embedded.EmbeddedDatabase;
import org.postgresql.ds.PGSimpleDataSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Throughput of 1, 2, 3... migrator processes on one ledger (as on several hosts; here all on this
 * machine, sharing its cores with the database). Each round starts N cold {@code java -jar ... run}
 * processes on a fresh control schema and wide table at once and times them until the last exits;
 * the database server's CPU over the round comes from /proc (ServerCpu). Usage:
 * {@code BENCH_MAIN=io.tsmigrator.bench.ScaleOut bash bench/run.sh [--processes=1,2,3] [--ships=6]
 * [--channels=93] [--hours=2] [--parallelism=2] [--reps=1]}; the embedded PostgreSQL only.
 */
public final class ScaleOut {

    private static final String SOURCE = "bench_scale.narrow";

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            o.put(arg.substring(2, eq < 0 ? arg.length() : eq), eq < 0 ? "true" : arg.substring(eq + 1));
        }
        int ships = Integer.parseInt(o.getOrDefault("ships", "6"));
        int channels = Integer.parseInt(o.getOrDefault("channels", "93"));
        int hours = Integer.parseInt(o.getOrDefault("hours", "2"));
        int reps = Integer.parseInt(o.getOrDefault("reps", "1"));
        String parallelism = o.getOrDefault("parallelism", "2");
        Path jar = Path.of(System.getProperty("bench.project.dir", "."), "target", "timeseries-migrator.jar");
        try (EmbeddedDatabase db = EmbeddedDatabase.start()) {
            PGSimpleDataSource ds = new PGSimpleDataSource();
            ds.setUrl(db.jdbcUrl());
            ds.setUser(EmbeddedDatabase.USER);
            long rows;
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE SCHEMA bench_scale");
                s.execute("CREATE TABLE " + SOURCE + " (ship_id integer NOT NULL, data_channel_id integer NOT NULL,"
                        + " created_time timestamptz NOT NULL, value double precision)");
                s.execute("INSERT INTO " + SOURCE + " SELECT sh, ch, timestamptz '2024-03-01 00:00:00+00' + i * interval '1 second',"
                        + " random() * 2000 - 1000 FROM generate_series(1, " + ships + ") sh, generate_series(1, " + channels + ") ch,"
                        + " generate_series(0, " + (hours * 3600 - 1) + ") i");
                s.execute("CREATE INDEX ON " + SOURCE + " (ship_id, created_time, data_channel_id)");
                s.execute("VACUUM ANALYZE " + SOURCE);
                rows = ((Number) Bench.scalar(c, "SELECT count(*) FROM " + SOURCE)).longValue();
            }
            ServerCpu cpu = ServerCpu.find(ds::getConnection);
            System.out.printf(Locale.ROOT, "# %,d narrow rows (%d ships x %d channels x %d h at 1 Hz); chunk PT10M, parallelism %s per process; %d cores%n",
                    rows, ships, channels, hours, parallelism, Runtime.getRuntime().availableProcessors());
            System.out.println("processes  wall s  narrow rows/s  server CPU s  server CPU us/narrow row");
            int round = 0;
            for (String n : o.getOrDefault("processes", "1,2,3").split(",")) {
                for (int rep = 0; rep < reps; rep++) {
                    String name = "r" + (round++);
                    List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString(),
                            "run", "--migrator.source.url=" + db.jdbcUrl(), "--migrator.source.username=" + EmbeddedDatabase.USER,
                            "--migrator.source.table=" + SOURCE, "--migrator.target.table=bench_scale.wide_" + name,
                            "--migrator.control-schema=bench_scale_" + name, "--migrator.chunk-size=PT10M", "--migrator.parallelism=" + parallelism);
                    double cpu0 = cpu == null ? 0 : cpu.seconds();
                    long t0 = System.nanoTime();
                    List<Process> processes = new ArrayList<>();
                    for (int i = 0; i < Integer.parseInt(n); i++) {
                        Path log = Files.createTempFile("scale-out-" + name + "-" + i, ".log");
                        processes.add(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start());
                    }
                    for (Process p : processes) {
                        if (!p.waitFor(2, TimeUnit.HOURS) || p.exitValue() != 0) {
                            throw new IllegalStateException("a migrator process failed (exit " + p.exitValue() + ")");
                        }
                    }
                    double wall = (System.nanoTime() - t0) / 1e9;
                    double server = cpu == null ? Double.NaN : cpu.seconds() - cpu0;
                    try (Connection c = ds.getConnection()) {
                        long wide = ((Number) Bench.scalar(c, "SELECT count(*) FROM bench_scale.wide_" + name)).longValue();
                        if (wide != (long) ships * hours * 3600) {
                            throw new IllegalStateException("round " + name + " wrote " + wide + " wide rows");
                        }
                    }
                    System.out.printf(Locale.ROOT, "%9s  %6.1f  %13.0f  %12.1f  %24.2f%n", n, wall, rows / wall, server, server * 1e6 / rows);
                }
            }
        }
    }
}
