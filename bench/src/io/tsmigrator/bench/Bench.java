package io.tsmigrator.bench;

import io.tsmigrator.embedded.EmbeddedDatabase;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The migrator measured as users run it: {@code java -jar target/timeseries-migrator.jar run} as a
 * fresh process, timed from process start to exit, against the SQL pivot. See bench/README.md and
 * {@link Options#USAGE}. Every repetition checks the wide table the contender wrote against the
 * SQL pivot (row counts and EXCEPT ALL both ways), and every contender's server CPU is read from the
 * server processes' own accounting ({@link ServerCpu}).
 */
public final class Bench {

    static final String BENCH_SCHEMA = "bench";
    private static final int FIRST_SHIP = 1001;
    private static final int FIRST_CHANNEL = 101;
    private static final Pattern URL = Pattern.compile("jdbc:postgresql://(\\[[^\\]]+\\]|[^/:?]+)(?::(\\d+))?/([^?]*)(\\?.*)?");

    private final Options o;
    private final Path projectDir;
    private final Path logDir;
    private String url;
    private String user;
    private String password;
    private ServerCpu serverCpu;
    private List<Integer> channelIds;
    private List<String> columns;
    private long narrowRows;
    private long wideRows;
    private List<Window> windows;
    private boolean gnuTime;

    record Window(int ship, Instant start, Instant end) {
    }

    /**
     * One timed run: wall seconds and server CPU seconds; for the migrator also its ledger (first
     * chunk start to last chunk end), the time before its first chunk, chunks done and peak RSS.
     */
    record Run(double seconds, double serverCpu, double ledgerSeconds, double startupSeconds, long chunks, long rssKb, String problems) {
        static Run of(double seconds, double serverCpu) {
            return new Run(seconds, serverCpu, Double.NaN, Double.NaN, 0, -1, null);
        }
    }

    private Bench(Options o, Path projectDir) {
        this.o = o;
        this.projectDir = projectDir;
        this.logDir = projectDir.resolve("bench/target/logs");
    }

    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
            return;
        }
        Path projectDir = Path.of(System.getProperty("bench.project.dir", ".")).toAbsolutePath().normalize();
        int code;
        try {
            code = new Bench(o, projectDir).run();
        } catch (BenchFailure e) {
            System.err.println();
            System.err.println("BENCHMARK FAILED: " + e.getMessage());
            code = 1;
        }
        System.exit(code);
    }

    static final class BenchFailure extends RuntimeException {
        BenchFailure(String message) {
            super(message);
        }
    }

    private int run() throws Exception {
        if (!Files.isRegularFile(projectDir.resolve(o.jar))) {
            throw new BenchFailure("no migrator jar at " + o.jar + " (build it: mvn -B -q package -DskipTests)");
        }
        Files.createDirectories(logDir);
        gnuTime = detectGnuTime();
        if (o.dbBound) {
            // the bench and every process it starts (the embedded server first, re-pinned below, and each migrator) on CPU 1
            pin(ProcessHandle.current().pid(), 1);
        }
        EmbeddedDatabase embedded = null;
        try {
            if (o.url == null) {
                log("starting the embedded PostgreSQL (zonky)...");
                // --durable: as a production server commits, each commit waiting for its WAL to reach the disk
                embedded = EmbeddedDatabase.start(o.durable ? Map.of("fsync", "on", "synchronous_commit", "on", "full_page_writes", "on") : Map.of());
                url = "jdbc:postgresql://localhost:" + embedded.port() + "/" + EmbeddedDatabase.DATABASE;
                user = EmbeddedDatabase.USER;
                password = "";
                try (Connection c = connect(); Statement s = c.createStatement()) {
                    // the bench analyzes what it needs itself; autovacuum would land on whichever figure runs then
                    s.execute("ALTER SYSTEM SET autovacuum = off");
                    s.execute("SELECT pg_reload_conf()");
                }
            } else {
                url = o.url;
                user = o.user;
                password = o.password;
            }
            serverCpu = ServerCpu.find(this::connect);
            if (o.dbBound) {
                if (serverCpu == null) {
                    throw new BenchFailure("--db-bound: cannot find the server's processes in /proc");
                }
                serverCpu.pinAll(0);
                log("db-bound: PostgreSQL (postmaster " + serverCpu.postmaster() + " and its processes) on CPU 0; the bench and the migrator on CPU 1");
            }
            String server;
            try (Connection c = connect()) {
                server = scalar(c, "SELECT current_setting('server_version') || ', shared_buffers ' || current_setting('shared_buffers')"
                        + " || ', fsync ' || current_setting('fsync') || ', synchronous_commit ' || current_setting('synchronous_commit')").toString();
            }
            switch (o.scenario) {
                case "wide" -> wide(server);
                case "fleet" -> fleet(server);
                case "million" -> million(server);
                case "outliers" -> outliers(server);
                default -> throw new IllegalStateException(o.scenario);
            }
            return 0;
        } finally {
            try (Connection c = connect(); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + BENCH_SCHEMA + " CASCADE");
            } catch (SQLException e) {
                log("could not drop schema " + BENCH_SCHEMA + ": " + e.getMessage());
            }
            if (embedded != null) {
                embedded.close();
            }
        }
    }

    // ---------------------------------------------------------------- scenarios

    /** The headline: (a2), (a') and the cold run, on the 1 Hz data set, in one run; (bp) through the delay proxy when asked. */
    private void wide(String server) throws Exception {
        generate(o.ships, o.channels, 1, o.seconds, o.missing, "");
        cutWindows(o.chunkSize);
        DelayProxy proxy = o.only.contains("bp") ? proxy() : null;
        Map<String, List<Run>> by = new LinkedHashMap<>();
        try {
            for (int rep = 1; rep <= o.reps; rep++) {
                vacuumCatalogs();
                for (String kind : o.only) {
                    Run r = switch (kind) {
                        case "a2" -> pivotPerChunk("a2_r" + rep, o.parallelism);
                        case "ap" -> pivotWhole("ap_r" + rep);
                        case "bc" -> migrator("bc_r" + rep, url, o.chunkSizeText, o.parallelism, o.migratorJavaOpts, -1);
                        case "bo" -> migrator("bo_r" + rep, url, o.chunkSizeText, o.parallelism, o.migratorJavaOpts, -1, o.compareJar);
                        case "bp" -> migrator("bp_r" + rep, proxyUrl(proxy), o.chunkSizeText, o.proxyParallelism, o.migratorJavaOpts, -1);
                        default -> throw new IllegalStateException(kind);
                    };
                    log(String.format(Locale.ROOT, "rep %d/%d %-5s %s", rep, o.reps, label(kind), describe(r)));
                    by.computeIfAbsent(kind, k -> new ArrayList<>()).add(r);
                }
            }
        } finally {
            if (proxy != null) {
                proxy.close();
            }
        }
        header(server, String.format(Locale.ROOT, "%d ships x %d channels x %d s at 1 Hz, %.1f %% missing", o.ships, o.channels, o.seconds, o.missing * 100),
                "chunk size " + o.chunkSizeText + " (" + windows.size() + " windows), parallelism " + o.parallelism);
        var out = System.out;
        out.printf(Locale.ROOT, "%-58s %22s %22s %26s%n", "figure (median [min - max])", "wall s", "M narrow rows/s", "server CPU s / M narrow rows");
        for (Map.Entry<String, List<Run>> e : by.entrySet()) {
            List<Run> runs = e.getValue();
            out.printf(Locale.ROOT, "%-58s %22s %22s %26s%n", title(e.getKey()), spread(runs, Run::seconds, 2),
                    spread(runs, r -> narrowRows / r.seconds() / 1e6, 3), spread(runs, r -> r.serverCpu() / (narrowRows / 1e6), 3));
        }
        out.println();
        if (by.containsKey("bc")) {
            double bc = median(by.get("bc"), Run::seconds);
            double bcCpu = median(by.get("bc"), Run::serverCpu);
            for (String base : List.of("a2", "ap")) {
                if (by.containsKey(base)) {
                    out.printf(Locale.ROOT, "(bc) / %-5s throughput %.2fx   server CPU per row %.2fx%n", label(base),
                            median(by.get(base), Run::seconds) / bc, bcCpu / median(by.get(base), Run::serverCpu));
                }
            }
            if (by.containsKey("bo")) {
                out.printf(Locale.ROOT, "(bc) / (bo) %s: throughput %.2fx   server CPU per row %.2fx%n", o.compareJar,
                        median(by.get("bo"), Run::seconds) / bc, bcCpu / median(by.get("bo"), Run::serverCpu));
            }
            if (by.containsKey("bp")) {
                out.printf(Locale.ROOT, "(bp) via %s ms/direction at parallelism %d / (bc) direct at parallelism %d: throughput %.2fx%n",
                        trim(o.proxyLatencyMs), o.proxyParallelism, o.parallelism, bc / median(by.get("bp"), Run::seconds));
            }
            List<Run> bcs = by.get("bc");
            out.printf(Locale.ROOT, "(bc) ledger span %s s, before the first chunk %s s, peak RSS %s MB%n", spread(bcs, Run::ledgerSeconds, 2),
                    spread(bcs, Run::startupSeconds, 2), spread(bcs, r -> r.rssKb() / 1024.0, 0));
        }
        if (o.rssSweep) {
            for (String size : List.of("PT15M", "PT6H")) {
                Run r = migrator("rss_" + size.toLowerCase(Locale.ROOT), url, size, o.parallelism, List.of(), -1);
                out.printf(Locale.ROOT, "rss-sweep: cold run, chunk size %s, no JVM options: peak RSS %d MB, wall %.2f s%n", size, r.rssKb() / 1024, r.seconds());
            }
        }
        problems(by);
    }

    /** Small chunks: 200 ships x 2 channels x 1 reading a minute x 2 days in PT1H chunks: the fixed cost per chunk. */
    private void fleet(String server) throws Exception {
        generate(200, 2, 60, 2 * 24 * 60, 0, "");
        cutWindows(Duration.ofHours(1));
        List<Run> runs = new ArrayList<>();
        for (int rep = 1; rep <= o.reps; rep++) {
            vacuumCatalogs();
            Run r = migrator("fleet_r" + rep, url, "PT1H", o.parallelism, o.migratorJavaOpts, -1);
            log(String.format(Locale.ROOT, "rep %d/%d fleet %s", rep, o.reps, describe(r)));
            runs.add(r);
        }
        header(server, "200 ships x 2 channels x 1 reading/min x 2 days", "chunk size PT1H (" + windows.size() + " chunks), parallelism " + o.parallelism);
        System.out.printf(Locale.ROOT, "fleet: chunks/s over the ledger span %s; wall %s s; server CPU ms per chunk %s%n",
                spread(runs, r -> r.chunks() / r.ledgerSeconds(), 0), spread(runs, Run::seconds, 2),
                spread(runs, r -> r.serverCpu() * 1000 / r.chunks(), 2));
        problems(Map.of("fleet", runs));
    }

    /**
     * 10^6 chunks in the ledger: 500 ships x 2,000 one-minute windows of one reading. The run plans
     * them all (time before its first chunk), is stopped with SIGTERM {@code --run-seconds} after its first chunk,
     * and its rate is the chunks it finished over their span; {@code report} is timed on the full ledger.
     */
    private void million(String server) throws Exception {
        generate(500, 1, 60, 2000, 0, "");
        List<Run> runs = new ArrayList<>();
        List<Double> reports = new ArrayList<>();
        for (int rep = 1; rep <= o.reps; rep++) {
            vacuumCatalogs();
            String name = "million_r" + rep;
            Run r = migrator(name, url, "PT1M", o.parallelism, o.migratorJavaOpts, o.runSeconds);
            long planned = count("SELECT count(*) FROM " + control(name) + ".chunk");
            if (planned < 1_000_000) {
                throw new BenchFailure(name + ": the ledger holds " + planned + " chunks, not 10^6");
            }
            reports.add(command(name, "report"));
            log(String.format(Locale.ROOT, "rep %d/%d million %s   report %.2f s", rep, o.reps, describe(r), reports.get(reports.size() - 1)));
            runs.add(r);
            drop(name);
        }
        header(server, "500 ships x 2,000 one-minute windows of one reading", "chunk size PT1M (10^6 chunks), parallelism " + o.parallelism
                + ", run stopped after " + o.runSeconds + " s");
        System.out.printf(Locale.ROOT, "million: chunks/s over the ledger span %s (%s chunks done); start and planning of 10^6 windows (process start"
                        + " to first chunk) %s s; report %s s%n", spread(runs, r -> r.chunks() / r.ledgerSeconds(), 0), spread(runs, r -> r.chunks(), 0),
                spread(runs, Run::startupSeconds, 1), spreadOf(reports, 2));
        problems(Map.of("million", runs));
    }

    /** A ship with 2 h of readings and one stamped 1970-01-01, and a ship with a day of readings, a 90-day gap and another day. */
    private void outliers(String server) throws Exception {
        // ship 1001: 2 h at 1 Hz plus the clock-reset reading; ship 1002 (by the offset): a day each side of a 90-day gap at 1/min
        generate(1, 2, 1, 7200, 0, " UNION ALL SELECT " + FIRST_SHIP + ", " + FIRST_CHANNEL + ", timestamptz '1970-01-01 00:00:00+00', 1"
                + " UNION ALL SELECT " + (FIRST_SHIP + 1) + ", " + FIRST_CHANNEL + " + ch, timestamptz '" + START + "' + m * interval '1 minute'"
                + "   + CASE WHEN m >= 1440 THEN interval '90 days' ELSE interval '0' END, m"
                + "   FROM generate_series(0, 2879) m, generate_series(0, 1) ch");
        List<Run> runs = new ArrayList<>();
        for (int rep = 1; rep <= o.reps; rep++) {
            Run r = migrator("outliers_r" + rep, url, "PT1H", o.parallelism, o.migratorJavaOpts, -1);
            log(String.format(Locale.ROOT, "rep %d/%d outliers %s", rep, o.reps, describe(r)));
            runs.add(r);
        }
        header(server, "ship 1001: 2 h at 1 Hz + one reading at 1970-01-01; ship 1002: 1 day, a 90-day gap, 1 day at 1/min", "chunk size PT1H, parallelism " + o.parallelism);
        System.out.printf(Locale.ROOT, "outliers: wall %s s, chunks %s, equal to the pivot in every repetition%n", spread(runs, Run::seconds, 2),
                spread(runs, r -> r.chunks(), 0));
        problems(Map.of("outliers", runs));
    }

    private void header(String server, String data, String shape) {
        var out = System.out;
        out.println();
        out.printf(Locale.ROOT, "timeseries-migrator benchmark (%s): PostgreSQL %s, %d cores, Java %s%s%n", o.scenario, server,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                o.dbBound ? "; db-bound: PostgreSQL on CPU 0, the clients on CPU 1" : "");
        out.printf(Locale.ROOT, "data: %s = %,d narrow rows -> %,d wide rows; %s; %d repetitions, each checked = SQL pivot%n", data, narrowRows, wideRows,
                shape, o.reps);
        out.println("migrator: cold java -jar, JVM options: " + (o.migratorJavaOpts.isEmpty() ? "none" : String.join(" ", o.migratorJavaOpts))
                + (o.migratorPassThrough.isEmpty() ? "" : "; settings: " + String.join(" ", o.migratorPassThrough)));
        out.println();
    }

    private void problems(Map<String, List<Run>> by) {
        by.values().stream().flatMap(List::stream).filter(r -> r.problems() != null).forEach(r ->
                System.out.println("note: a migrator run logged ERROR or WARN lines (its data was still exact): " + r.problems()));
    }

    // ---------------------------------------------------------------- data

    private static final String START = "2024-01-01 00:00:00+00";

    /**
     * The source table: {@code ships x channels} series of {@code count} readings {@code step}
     * seconds apart, a share left out at random, rows in time order across the fleet as readings
     * arrive; {@code extra} is a {@code UNION ALL SELECT ...} of further rows. Then the reference SQL pivot.
     */
    private void generate(int ships, int channels, int step, int count, double missing, String extra) throws SQLException {
        channelIds = IntStream.range(0, channels + 1).map(i -> FIRST_CHANNEL + i).boxed().toList();
        String schema = o.sourceTable.substring(0, o.sourceTable.indexOf('.'));
        try (Connection c = connect(); Statement s = c.createStatement()) {
            if (o.url != null && !o.dropExisting && (scalar(c, "SELECT to_regclass('" + o.sourceTable + "')") != null
                    || scalar(c, "SELECT to_regnamespace('" + BENCH_SCHEMA + "')") != null)) {
                throw new BenchFailure(o.sourceTable + " or schema " + BENCH_SCHEMA + " exists in " + url + "; the bench drops and regenerates them:"
                        + " pass --drop-existing if that is intended");
            }
            long t0 = System.nanoTime();
            s.execute("DROP SCHEMA IF EXISTS " + BENCH_SCHEMA + " CASCADE");
            s.execute("CREATE SCHEMA " + BENCH_SCHEMA);
            s.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
            s.execute("DROP TABLE IF EXISTS " + o.sourceTable);
            s.execute("CREATE TABLE " + o.sourceTable + " (ship_id integer NOT NULL, data_channel_id integer NOT NULL,"
                    + " created_time timestamptz NOT NULL, value double precision)");
            s.execute("SELECT setseed(0.42)");
            narrowRows = s.executeUpdate("INSERT INTO " + o.sourceTable
                    + " SELECT " + (FIRST_SHIP - 1) + " + sh, " + (FIRST_CHANNEL - 1) + " + ch, timestamptz '" + START + "' + i * interval '" + step + " seconds',"
                    + " random() * 2000 - 1000 FROM generate_series(0, " + (count - 1) + ") i, generate_series(1, " + ships + ") sh,"
                    + " generate_series(1, " + channels + ") ch WHERE random() >= " + missing + extra);
            s.execute("CREATE INDEX ON " + o.sourceTable + " (ship_id, created_time, data_channel_id)");
            s.execute("VACUUM ANALYZE " + o.sourceTable);
            List<Integer> present = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT DISTINCT data_channel_id FROM " + o.sourceTable + " ORDER BY 1")) {
                while (rs.next()) {
                    present.add(rs.getInt(1));
                }
            }
            channelIds = present;
            columns = channelIds.stream().map(ch -> "ch_" + ch).toList();
            log(String.format(Locale.ROOT, "generated %,d narrow rows in %.1f s", narrowRows, secondsSince(t0)));
            s.execute("CREATE TABLE " + BENCH_SCHEMA + ".ref AS " + pivotSelect(null));
            s.execute("ANALYZE " + BENCH_SCHEMA + ".ref");
            wideRows = ((Number) scalar(c, "SELECT count(*) FROM " + BENCH_SCHEMA + ".ref")).longValue();
        }
    }

    /** The (ship, chunk) windows of (a2): aligned to multiples of the size since the epoch, the first and last clipped, as the migrator plans. */
    private void cutWindows(Duration size) throws SQLException {
        windows = new ArrayList<>();
        try (Connection c = connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT ship_id, min(created_time), max(created_time) FROM " + o.sourceTable + " GROUP BY ship_id ORDER BY ship_id")) {
            while (rs.next()) {
                long sizeMicros = size.toNanos() / 1000;
                long cursor = micros(rs.getObject(2, OffsetDateTime.class).toInstant());
                long end = micros(rs.getObject(3, OffsetDateTime.class).toInstant()) + 1;
                while (cursor < end) {
                    long next = Math.min(Math.floorDiv(cursor, sizeMicros) * sizeMicros + sizeMicros, end);
                    windows.add(new Window(rs.getInt(1), instant(cursor), instant(next)));
                    cursor = next;
                }
            }
        }
    }

    private static long micros(Instant i) {
        return i.getEpochSecond() * 1_000_000L + i.getNano() / 1000;
    }

    private static Instant instant(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
    }

    /**
     * With autovacuum off, the tables and schemas every repetition creates and drops leave their
     * catalog rows behind; a repetition starts on catalogs as clean as autovacuum keeps a real
     * server's. Not timed. A server given with --url keeps its own autovacuum.
     */
    private void vacuumCatalogs() throws SQLException {
        if (o.url != null) {
            return;
        }
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("VACUUM pg_catalog.pg_attribute, pg_catalog.pg_class, pg_catalog.pg_depend, pg_catalog.pg_type,"
                    + " pg_catalog.pg_index, pg_catalog.pg_constraint, pg_catalog.pg_attrdef, pg_catalog.pg_namespace, pg_catalog.pg_statistic");
        }
    }

    // ---------------------------------------------------------------- (a2) and (a')

    private String pivotSelect(String where) {
        return "SELECT ship_id, created_time, "
                + IntStream.range(0, channelIds.size())
                .mapToObj(i -> "max(value) FILTER (WHERE data_channel_id = " + channelIds.get(i) + ") AS " + columns.get(i))
                .collect(Collectors.joining(", "))
                + " FROM " + o.sourceTable + (where == null ? "" : " WHERE " + where)
                + " GROUP BY ship_id, created_time";
    }

    /** (a2): one {@code INSERT ... SELECT ... GROUP BY} per (ship, chunk window), shared by {@code connections} threads with a connection each. */
    private Run pivotPerChunk(String name, int connectionCount) throws Exception {
        String table = BENCH_SCHEMA + ".wide_" + name;
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + table + " (ship_id integer NOT NULL, created_time timestamptz NOT NULL, "
                    + columns.stream().map(col -> col + " double precision").collect(Collectors.joining(", ")) + ", PRIMARY KEY (ship_id, created_time))");
        }
        String sql = "INSERT INTO " + table + " " + pivotSelect("ship_id = ? AND created_time >= ? AND created_time < ?");
        List<Connection> connections = new ArrayList<>();
        try {
            double cpu0 = serverCpu();
            long t0 = System.nanoTime();
            for (int i = 0; i < connectionCount; i++) {
                connections.add(connect());
            }
            ConcurrentLinkedQueue<Window> queue = new ConcurrentLinkedQueue<>(windows);
            AtomicReference<Exception> failure = new AtomicReference<>();
            List<Thread> threads = new ArrayList<>();
            for (Connection c : connections) {
                Thread t = new Thread(() -> {
                    try (PreparedStatement ps = c.prepareStatement(sql)) {
                        Window w;
                        while ((w = queue.poll()) != null && failure.get() == null) {
                            ps.setInt(1, w.ship());
                            ps.setObject(2, OffsetDateTime.ofInstant(w.start(), ZoneOffset.UTC));
                            ps.setObject(3, OffsetDateTime.ofInstant(w.end(), ZoneOffset.UTC));
                            ps.executeUpdate();
                        }
                    } catch (Exception e) {
                        failure.compareAndSet(null, e);
                    }
                }, "pivot-" + threads.size());
                threads.add(t);
                t.start();
            }
            for (Thread t : threads) {
                t.join();
            }
            double seconds = secondsSince(t0);
            double cpu = serverCpu() - cpu0;
            if (failure.get() != null) {
                throw new BenchFailure("(a2) failed: " + failure.get());
            }
            verify(table, "(a2) SQL pivot per chunk");
            return Run.of(seconds, cpu);
        } finally {
            for (Connection c : connections) {
                c.close();
            }
            dropTable(table);
        }
    }

    /**
     * (a'): the best single statement found for the whole table: {@code CREATE TABLE AS} may use
     * parallel workers ({@code INSERT ... SELECT} may not), with a session {@code work_mem} large
     * enough that the hash aggregate does not spill, then the primary key the migrator's wide table has.
     */
    private Run pivotWhole(String name) throws Exception {
        String table = BENCH_SCHEMA + ".wide_" + name;
        try {
            double cpu0 = serverCpu();
            long t0 = System.nanoTime();
            try (Connection c = connect(); Statement s = c.createStatement()) {
                s.execute("SET work_mem = '" + o.pivotWorkMem + "'");
                s.execute("CREATE TABLE " + table + " AS " + pivotSelect(null));
                s.execute("ALTER TABLE " + table + " ADD PRIMARY KEY (ship_id, created_time)");
            }
            double seconds = secondsSince(t0);
            double cpu = serverCpu() - cpu0;
            verify(table, "(a') SQL pivot, CREATE TABLE AS");
            return Run.of(seconds, cpu);
        } finally {
            dropTable(table);
        }
    }

    // ---------------------------------------------------------------- the migrator

    private String control(String name) {
        return BENCH_SCHEMA + "_ctl_" + name;
    }

    private List<String> arguments(String command, String name, String sourceUrl, String chunkSize, int parallelism) {
        List<String> args = new ArrayList<>(List.of(command,
                "--migrator.source.url=" + sourceUrl,
                "--migrator.source.table=" + o.sourceTable,
                "--migrator.chunk-size=" + chunkSize,
                "--migrator.parallelism=" + parallelism,
                "--migrator.target.table=" + BENCH_SCHEMA + ".wide_" + name,
                "--migrator.control-schema=" + control(name),
                "--migrator.channels=" + channelIds.stream().map(String::valueOf).collect(Collectors.joining(","))));
        if (!user.isEmpty()) {
            args.add("--migrator.source.username=" + user);
        }
        args.addAll(o.migratorPassThrough);
        return args;
    }

    private ProcessBuilder process(Path jar, List<String> javaOptions, List<String> args, Path output, Path rssFile) {
        List<String> command = new ArrayList<>();
        if (rssFile != null) {
            command.addAll(List.of("/usr/bin/time", "-v", "-o", rssFile.toString()));
        }
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(javaOptions);
        command.addAll(List.of("-jar", jar.toString()));
        command.addAll(args);
        // another build runs in its own project (its config/ lists the settings it knows)
        Path home = jar.getParent() != null && jar.getParent().getParent() != null && Files.isDirectory(jar.getParent().getParent().resolve("config"))
                ? jar.getParent().getParent() : projectDir;
        ProcessBuilder pb = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true).redirectOutput(output.toFile());
        if (!password.isEmpty()) {
            pb.environment().put("MIGRATOR_SOURCE_PASSWORD", password); // kept off the command line
        }
        return pb;
    }

    /**
     * {@code java -jar timeseries-migrator.jar run ...} as a fresh process, timed from process start
     * to exit; with {@code stopAfterSeconds > 0} it gets SIGTERM then, and only the chunks it finished
     * are checked. The wide table is checked against the SQL pivot.
     */
    private Run migrator(String name, String sourceUrl, String chunkSize, int parallelism, List<String> javaOptions, int stopAfterSeconds) throws Exception {
        return migrator(name, sourceUrl, chunkSize, parallelism, javaOptions, stopAfterSeconds, projectDir.resolve(o.jar));
    }

    private Run migrator(String name, String sourceUrl, String chunkSize, int parallelism, List<String> javaOptions, int stopAfterSeconds,
                         Path jar) throws Exception {
        drop(name);
        Path output = logDir.resolve(name + ".log");
        Path rssFile = gnuTime ? logDir.resolve(name + ".time") : null;
        ProcessBuilder pb = process(jar, javaOptions, arguments("run", name, sourceUrl, chunkSize, parallelism), output, rssFile);
        double cpu0 = serverCpu();
        long startedEpochMs = System.currentTimeMillis();
        long t0 = System.nanoTime();
        // the time wrapper is the child; its own child is the JVM, whose RSS it reports and to which SIGTERM has to go
        Process p = pb.start();
        if (stopAfterSeconds > 0) {
            // the run's first chunk done (so planning is over), then stopAfterSeconds of chunks, then SIGTERM
            while (p.isAlive() && !anyDone(control(name))) {
                Thread.sleep(200);
            }
            if (!p.waitFor(stopAfterSeconds, TimeUnit.SECONDS)) {
                ProcessHandle jvm = p.children().findFirst().orElse(p.toHandle());
                jvm.destroy();
            }
        }
        boolean ended = p.waitFor(2, TimeUnit.HOURS);
        double seconds = secondsSince(t0);
        double cpu = serverCpu() - cpu0;
        if (!ended) {
            p.destroyForcibly();
            throw new BenchFailure("the migrator (" + name + ") did not end within 2 h; output: " + output);
        }
        if (stopAfterSeconds <= 0 && p.exitValue() != 0) {
            throw new BenchFailure("the migrator (" + name + ") exited with " + p.exitValue() + "; last lines of " + output + ":\n" + tail(output, 30));
        }
        long rssKb = rssFile != null ? rssFromTime(rssFile) : -1;
        String table = BENCH_SCHEMA + ".wide_" + name;
        try (Connection c = connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FILTER (WHERE status = 'DONE'), count(*) FILTER (WHERE status NOT IN ('DONE', 'SPLIT')),"
                     + " coalesce(sum(rows_read) FILTER (WHERE status = 'DONE'), 0), extract(epoch FROM max(finished_at) - min(started_at)),"
                     + " extract(epoch FROM min(started_at)) FROM " + control(name) + ".chunk")) {
            rs.next();
            long done = rs.getLong(1);
            if (stopAfterSeconds <= 0 && (rs.getLong(2) > 0 || rs.getLong(3) != narrowRows)) {
                throw new BenchFailure("the migrator (" + name + ") left " + rs.getLong(2) + " chunks undone and read " + rs.getLong(3)
                        + " narrow rows of " + narrowRows);
            }
            Run r = new Run(seconds, cpu, rs.getDouble(4), rs.getDouble(5) - startedEpochMs / 1000.0, done, rssKb, problems(output));
            if (stopAfterSeconds > 0) {
                verifyDone(table, control(name), name);
            } else {
                verify(table, "the migrator (" + name + ")");
                drop(name);
            }
            return r;
        }
    }

    private boolean anyDone(String control) {
        try (Connection c = connect()) {
            return scalar(c, "SELECT 1 FROM " + control + ".chunk WHERE status = 'DONE' LIMIT 1") != null;
        } catch (SQLException notYet) {
            return false; // the ledger is not there yet
        }
    }

    /** A cold {@code java -jar ... <command>} on a run's settings; returns its wall seconds. */
    private double command(String name, String command) throws Exception {
        Path output = logDir.resolve(name + "." + command + ".log");
        long t0 = System.nanoTime();
        Process p = process(projectDir.resolve(o.jar), o.migratorJavaOpts, arguments(command, name, url, "PT1M", o.parallelism), output, null).start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new BenchFailure(command + " did not end within 10 minutes");
        }
        double seconds = secondsSince(t0);
        if (p.exitValue() > 3) {
            throw new BenchFailure(command + " exited with " + p.exitValue() + ":\n" + tail(output, 20));
        }
        return seconds;
    }

    private static String problems(Path log) throws IOException {
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            if (line.contains(" ERROR ") || line.contains(" WARN ")) {
                return log.getFileName() + ": " + (line.length() > 200 ? line.substring(0, 200) + "..." : line);
            }
        }
        return null;
    }

    private DelayProxy proxy() throws IOException {
        Matcher m = URL.matcher(url);
        if (!m.matches()) {
            throw new BenchFailure("cannot read host and port from " + url);
        }
        DelayProxy proxy = new DelayProxy(m.group(1).replace("[", "").replace("]", ""), m.group(2) == null ? 5432 : Integer.parseInt(m.group(2)), o.proxyLatencyMs);
        log("delay proxy: 127.0.0.1:" + proxy.port() + " -> the server, " + o.proxyLatencyMs + " ms per direction");
        return proxy;
    }

    private String proxyUrl(DelayProxy proxy) {
        Matcher m = URL.matcher(url);
        if (!m.matches()) {
            throw new BenchFailure("cannot read host and port from " + url);
        }
        return "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/" + m.group(3) + (m.group(4) == null ? "" : m.group(4));
    }

    // ---------------------------------------------------------------- checks and helpers

    /** The wide table must equal the SQL pivot exactly: same row count, nothing missing or extra (EXCEPT ALL both ways). */
    private void verify(String table, String what) throws SQLException {
        compare(table, "SELECT * FROM " + BENCH_SCHEMA + ".ref", what, wideRows);
    }

    /** As {@link #verify}, for the windows of the chunks a stopped run finished. */
    private void verifyDone(String table, String control, String what) throws SQLException {
        String ref = "SELECT r.* FROM " + BENCH_SCHEMA + ".ref r WHERE EXISTS (SELECT 1 FROM " + control + ".chunk k WHERE k.status = 'DONE'"
                + " AND k.ship_id = r.ship_id::text AND r.created_time >= k.window_start AND r.created_time < k.window_end)";
        try (Connection c = connect()) {
            compare(table, ref, what, ((Number) scalar(c, "SELECT count(*) FROM (" + ref + ") d")).longValue());
        }
    }

    private void compare(String table, String ref, String what, long expected) throws SQLException {
        String cols = "ship_id, created_time, " + String.join(", ", columns);
        String expect = "SELECT " + cols + " FROM (" + ref + ") e";
        String got = "SELECT " + cols + " FROM " + table;
        try (Connection c = connect()) {
            long count = ((Number) scalar(c, "SELECT count(*) FROM " + table)).longValue();
            long missing = ((Number) scalar(c, "SELECT count(*) FROM (" + expect + " EXCEPT ALL " + got + ") d")).longValue();
            long extra = ((Number) scalar(c, "SELECT count(*) FROM (" + got + " EXCEPT ALL " + expect + ") d")).longValue();
            if (count != expected || missing != 0 || extra != 0) {
                throw new BenchFailure(String.format(Locale.ROOT, "%s: %s differs from the SQL pivot: %d rows (pivot: %d), %d pivot rows missing or different,"
                        + " %d rows not in the pivot", what, table, count, expected, missing, extra));
            }
        }
    }

    private double serverCpu() {
        return serverCpu == null ? Double.NaN : serverCpu.seconds();
    }

    private long count(String sql) throws SQLException {
        try (Connection c = connect()) {
            return ((Number) scalar(c, sql)).longValue();
        }
    }

    private void drop(String name) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + BENCH_SCHEMA + ".wide_" + name);
            s.execute("DROP SCHEMA IF EXISTS " + control(name) + " CASCADE");
        }
    }

    private void dropTable(String table) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + table);
        }
    }

    Connection connect() throws SQLException {
        Properties p = new Properties();
        if (!user.isEmpty()) {
            p.setProperty("user", user);
        }
        if (!password.isEmpty()) {
            p.setProperty("password", password);
        }
        p.setProperty("ApplicationName", "timeseries-migrator-bench");
        return DriverManager.getConnection(url, p);
    }

    static Object scalar(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getObject(1);
        }
    }

    static void pin(long pid, int cpu) {
        try {
            Process p = new ProcessBuilder("taskset", "-a", "-p", "-c", String.valueOf(cpu), String.valueOf(pid))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new BenchFailure("taskset could not pin process " + pid + " to CPU " + cpu);
            }
        } catch (IOException | InterruptedException e) {
            throw new BenchFailure("taskset is needed for --db-bound: " + e.getMessage());
        }
    }

    private static double secondsSince(long nanos) {
        return (System.nanoTime() - nanos) / 1e9;
    }

    private static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    static void log(String message) {
        System.err.println("[bench " + java.time.LocalTime.now().format(java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss")) + "] " + message);
    }

    private String label(String kind) {
        return switch (kind) {
            case "a2" -> "(a" + o.parallelism + ")";
            case "ap" -> "(a')";
            default -> "(" + kind + ")";
        };
    }

    private String title(String kind) {
        return switch (kind) {
            case "a2" -> label(kind) + " SQL pivot per (ship, chunk), " + o.parallelism + " connections";
            case "ap" -> "(a') SQL pivot, one statement (CREATE TABLE AS + PK)";
            case "bc" -> "(bc) migrator, cold java -jar run, parallelism " + o.parallelism;
            case "bp" -> "(bp) (bc) via " + trim(o.proxyLatencyMs) + " ms/direction, parallelism " + o.proxyParallelism;
            case "bo" -> "(bo) (bc) of " + o.compareJar.getFileName();
            default -> kind;
        };
    }

    private String describe(Run r) {
        String s = String.format(Locale.ROOT, "%7.2f s  %,11.0f rows/s  server CPU %.2f s", r.seconds(), narrowRows / r.seconds(), r.serverCpu());
        if (!Double.isNaN(r.ledgerSeconds())) {
            s += String.format(Locale.ROOT, "   ledger %.2f s, %d chunks (%.0f/s), before 1st chunk %.2f s, peak RSS %d MB", r.ledgerSeconds(), r.chunks(),
                    r.chunks() / r.ledgerSeconds(), r.startupSeconds(), r.rssKb() / 1024);
        }
        return s;
    }

    private static String spread(List<Run> runs, ToDoubleFunction<Run> f, int decimals) {
        return spreadOf(runs.stream().map(r -> f.applyAsDouble(r)).toList(), decimals);
    }

    private static String spreadOf(List<Double> values, int decimals) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = v.length;
        double median = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
        String f = "%." + decimals + "f";
        return String.format(Locale.ROOT, f + " [" + f + " - " + f + "]", median, v[0], v[n - 1]);
    }

    private static double median(List<Run> runs, ToDoubleFunction<Run> f) {
        double[] v = runs.stream().mapToDouble(f).sorted().toArray();
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    private static String trim(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }

    private static boolean detectGnuTime() {
        try {
            Path f = Files.createTempFile("bench-time", ".txt");
            Process p = new ProcessBuilder("/usr/bin/time", "-v", "-o", f.toString(), "true").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            boolean ok = p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 && Files.readString(f).contains("Maximum resident set size");
            Files.deleteIfExists(f);
            if (!ok) {
                log("/usr/bin/time -v is not usable: no peak RSS");
            }
            return ok;
        } catch (IOException | InterruptedException e) {
            log("/usr/bin/time is not available (" + e.getMessage() + "): no peak RSS");
            return false;
        }
    }

    private static long rssFromTime(Path file) throws IOException {
        for (String line : Files.readAllLines(file)) {
            String l = line.trim();
            if (l.startsWith("Maximum resident set size (kbytes):")) {
                return Long.parseLong(l.substring(l.indexOf(':') + 1).trim());
            }
        }
        throw new BenchFailure("no peak RSS in " + file);
    }
}
