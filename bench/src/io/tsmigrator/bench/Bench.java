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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Throughput benchmark of the migrator against the server-side SQL pivot. See the section
 * "Benchmark" of the project README, and {@link Options#USAGE}.
 *
 * <p>Figures (narrow rows per second, median of the measured repetitions):
 * <ul>
 * <li>(a1), (aN) the SQL pivot as one {@code INSERT ... SELECT ... GROUP BY} per (ship, chunk window),
 * one statement after the other on 1 connection, and shared by {@code parallelism} connections;</li>
 * <li>(a') the best single statement for the whole table we found ({@code CREATE TABLE AS}, which may
 * run in parallel, with a non-spilling session {@code work_mem}, then the primary key), and (a'i) the
 * {@code INSERT INTO wide SELECT ...} most users write first;</li>
 * <li>(bw) the migrator's full {@code run} command in a warm migrator JVM ({@link WarmChild}), Camel
 * start and stop included; (bc) {@code java -jar target/timeseries-migrator.jar run ...} as a fresh
 * process, timed from process start to exit; both also by their ledger (first chunk start to last
 * chunk end);</li>
 * <li>(bwf) (bw) in a second warm JVM whose JIT was stopped after its settling runs (see
 * {@link WarmMigrator}): a diagnostic of what the warm JVM's compiling still costs each run, not a
 * headline;</li>
 * <li>(bwp) (bw) through a loopback TCP proxy adding latency, when asked for.</li>
 * </ul>
 * Every wide table written is compared with the SQL pivot (row counts and EXCEPT ALL both ways).
 */
public final class Bench {

    private static final String BENCH_SCHEMA = "bench";
    private static final int FIRST_SHIP = 1001;
    private static final int FIRST_CHANNEL = 101;
    private static final String START = "2024-01-01 00:00:00+00";
    private static final Pattern URL = Pattern.compile("jdbc:postgresql://(\\[[^\\]]+\\]|[^/:?]+)(?::(\\d+))?/([^?]*)(\\?.*)?");

    private final Options o;
    private final Path projectDir;
    private final Path logDir;
    private String url;
    private String user;
    private String password;
    private List<Integer> channelIds;
    private List<String> columns;
    private long narrowRows;
    private long wideRows;
    private List<Window> windows;
    private boolean gnuTime;
    private boolean createdBenchSchema;

    record Window(int ship, Instant start, Instant end) {
    }

    /** One timed run: seconds of wall time; for the migrator also ledger seconds and peak RSS. */
    record Run(double seconds, double ledgerSeconds, long rssKb, double startupSeconds, double tailSeconds, int chunksDone, int chunksSplit,
               int errorLines, int warnLines, String firstProblem, String log, double jvmCpuSeconds, double jitSeconds) {
        static Run of(double seconds) {
            return new Run(seconds, Double.NaN, -1, Double.NaN, Double.NaN, 0, 0, 0, 0, null, null, Double.NaN, Double.NaN);
        }

        /** The same run with the warm JVM's CPU time during it and its JIT compilers' time (wall time of compilations). */
        Run withJvm(double cpuSeconds, double jit) {
            return new Run(seconds, ledgerSeconds, rssKb, startupSeconds, tailSeconds, chunksDone, chunksSplit, errorLines, warnLines, firstProblem, log,
                    cpuSeconds, jit);
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
        Path jar = projectDir.resolve(o.jar);
        if (!Files.isRegularFile(jar)) {
            throw new BenchFailure("no migrator jar at " + jar + " (build it: mvn -B -q package -DskipTests)");
        }
        Files.createDirectories(logDir);
        gnuTime = detectGnuTime();
        EmbeddedDatabase embedded = null;
        try {
            if (o.url == null) {
                log("starting the embedded PostgreSQL (zonky, PG 17)...");
                embedded = EmbeddedDatabase.start();
                url = "jdbc:postgresql://localhost:" + embedded.port() + "/" + EmbeddedDatabase.DATABASE;
                user = EmbeddedDatabase.USER;
                password = "";
                quietMaintenance();
            } else {
                url = o.url;
                user = o.user;
                password = o.password;
            }
            return measure(jar);
        } finally {
            if (embedded != null) {
                embedded.close();
            }
        }
    }

    private int measure(Path jar) throws Exception {
        List<Map.Entry<String, Run>> all = new ArrayList<>();
        List<String> kinds = new ArrayList<>(List.of("a1", "aN", "ap", "api", "bw", "bwf", "bc"));
        DelayProxy proxy = null;
        DelayProxy proxyWithoutDelay = null;
        WarmChild warmChild = null;
        WarmChild settledChild = null;
        if (o.proxyLatencyMs >= 0) {
            // before any connection: the proxy forwards to loopback addresses only
            Matcher m = URL.matcher(url);
            if (!m.matches()) {
                throw new BenchFailure("cannot read host and port from " + url);
            }
            String host = m.group(1).replace("[", "").replace("]", "");
            int port = m.group(2) == null ? 5432 : Integer.parseInt(m.group(2));
            try {
                proxy = new DelayProxy(host, port, o.proxyLatencyMs);
            } catch (IllegalArgumentException e) {
                throw new BenchFailure(e.getMessage());
            }
            log("delay proxy: 127.0.0.1:" + proxy.port() + " -> " + host + ":" + port + ", " + o.proxyLatencyMs + " ms per direction");
            kinds.add("bwp");
            if (o.proxyLatencyMs > 0) {
                // The proxy runs on the same two cores as the database and the migrator: the same
                // proxy without delay tells its own cost apart from the latency's.
                proxyWithoutDelay = new DelayProxy(host, port, 0);
                kinds.add("bwp0");
            }
        }
        if (!o.only.isEmpty()) {
            kinds.retainAll(o.only);
        } else {
            // once the warm JVMs have settled, their JIT compiles ~0.02-0.08 s per run: freezing it tells nothing new,
            // and its JVM's settling would add minutes
            kinds.remove("bwf");
        }
        try {
            String serverVersion;
            try (Connection c = connect()) {
                // huge pages decide what a backend's first touch of a shared buffer costs, which on some VMs is most of a read
                serverVersion = scalar(c, "SELECT current_setting('server_version') || ', shared_buffers ' || current_setting('shared_buffers')"
                        + " || coalesce(', huge pages ' || current_setting('huge_pages_status', true), '')").toString();
            }
            generate();
            warmChild = kinds.contains("bw") || kinds.contains("bwp") || kinds.contains("bwp0") ? warmChild("warm.log") : null;
            if (warmChild != null) {
                settle(warmChild, "bw");
            }
            if (kinds.contains("bwf")) {
                settledChild = warmChild("warm-settled.log");
                settle(settledChild, "bwf");
                settledChild.freezeCompilation();
                log("(bwf): the JIT of its JVM compiles nothing from now on");
            }
            int total = o.warmup + o.reps;
            for (int rep = 1; rep <= total; rep++) {
                boolean warm = rep <= o.warmup;
                String tag = warm ? "warm-up " + rep : "rep " + (rep - o.warmup) + "/" + o.reps;
                vacuumCatalogs();
                for (String kind : kinds) {
                    Run r = switch (kind) {
                        case "a1" -> pivotPerChunk("a1_r" + rep, 1);
                        case "aN" -> pivotPerChunk("an_r" + rep, o.parallelism);
                        case "ap" -> pivotWhole("ap_r" + rep);
                        case "api" -> pivotInsert("api_r" + rep);
                        case "bw" -> migratorWarm(warmChild, "bw_r" + rep, url, o.chunkSizeText);
                        case "bwf" -> migratorWarm(settledChild, "bwf_r" + rep, url, o.chunkSizeText);
                        case "bc" -> migrator("bc_r" + rep, url, o.chunkSizeText);
                        case "bwp" -> migratorWarm(warmChild, "bwp_r" + rep, proxyUrl(proxy), o.chunkSizeText);
                        case "bwp0" -> migratorWarm(warmChild, "bwp0_r" + rep, proxyUrl(proxyWithoutDelay), o.chunkSizeText);
                        default -> throw new IllegalStateException(kind);
                    };
                    log(String.format(Locale.ROOT, "%-10s %-6s %s", tag, label(kind), describe(r)));
                    if (!warm) {
                        all.add(Map.entry(kind, r));
                    }
                }
            }
            long warmRssKb = -1;
            if (warmChild != null) {
                warmRssKb = warmChild.peakRssKb();
                warmChild.close();
                warmChild = null;
            }
            if (settledChild != null) {
                settledChild.close();
                settledChild = null;
            }
            Map<String, Run> sweep = new LinkedHashMap<>();
            if (o.rssSweep) {
                // With the JVM options of the measured runs, and with none at all (the JVM's own heap sizing).
                for (List<String> opts : o.migratorJavaOpts.isEmpty() ? List.of(List.<String>of()) : List.of(o.migratorJavaOpts, List.<String>of())) {
                    for (String size : List.of("PT15M", "PT6H")) {
                        String label = size + (opts.isEmpty() ? " (no JVM options)" : " (" + String.join(" ", opts) + ")");
                        Run r = migrator("rss_" + size.toLowerCase(Locale.ROOT) + (opts.isEmpty() ? "_plain" : ""), url, size, opts);
                        log(String.format(Locale.ROOT, "rss-sweep  %s %s", label, describe(r)));
                        sweep.put(label, r);
                    }
                }
            }
            report(serverVersion, all, sweep, warmRssKb);
        } finally {
            if (warmChild != null) {
                warmChild.kill();
            }
            if (settledChild != null) {
                settledChild.kill();
            }
            if (proxyWithoutDelay != null) {
                proxyWithoutDelay.close();
            }
            if (proxy != null) {
                proxy.close();
            }
            if (!o.keep && createdBenchSchema) {
                try (Connection c = connect(); Statement s = c.createStatement()) {
                    s.execute("DROP SCHEMA IF EXISTS " + BENCH_SCHEMA + " CASCADE");
                } catch (SQLException e) {
                    log("could not drop schema " + BENCH_SCHEMA + ": " + e.getMessage());
                }
            }
        }
        return 0;
    }

    /**
     * The settling runs of a warm JVM, checked like measured ones but not counted. Each run executes
     * Camel's start once more (YAML parsing, bean introspection, the driver's statement parsing), and
     * that code crosses the JIT's thresholds a little at a time: a young warm JVM compiled 0.2-1.3 s
     * per run in its first 24 runs (single C2 compilations of pgjdbc's, snakeyaml's and Camel's largest
     * methods of up to 0.8 s), 0.27 s per run at runs 16-30, 0.16 at runs 46-60, 0.07 at runs 91-120
     * and 0.03 at runs 121-150. A long-lived process compiles that code once; without settling, the
     * repetitions measure the compiling instead.
     */
    private void settle(WarmChild child, String figure) throws Exception {
        for (int run = 1; run <= o.warmRuns; run++) {
            log(String.format(Locale.ROOT, "settling %d/%d (%s) %s", run, o.warmRuns, figure,
                    describe(migratorWarm(child, figure + "_s" + run, url, o.chunkSizeText))));
        }
    }

    /** A warm migrator JVM with the measured runs' JVM options, logging to {@code log} in the bench's log directory. */
    private WarmChild warmChild(String log) throws java.io.IOException {
        return new WarmChild(logDir.resolve(log), projectDir.resolve(o.jar), projectDir.resolve("bench/target/classes"), o.migratorJavaOpts,
                projectDir, password);
    }

    /**
     * The bench creates and drops about ten tables of 95 columns per repetition; on its own server
     * the autovacuum they trigger (catalog vacuums, analyzes: 0.3 to 1.5 s of CPU about once a
     * minute) would land on whichever figure runs then, most of all on the short ones. The bench
     * analyzes what it needs itself. A server given with --url is left as it is.
     */
    private void quietMaintenance() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("ALTER SYSTEM SET autovacuum = off");
            s.execute("SELECT pg_reload_conf()");
        }
        log("autovacuum off on the bench's own server (the bench runs VACUUM ANALYZE itself, and vacuums the catalogs before each repetition)");
    }

    /**
     * With autovacuum off, the tables and schemas every run creates and drops leave their catalog
     * rows behind: 150 settling runs leave ~50,000 dead rows in pg_attribute, which every run's DDL
     * and catalog reads then wade through, the migrator's more than a baseline's (it reads and writes
     * the catalogs at every start). A repetition starts on catalogs as clean as autovacuum keeps a
     * real server's; the vacuum is not timed. A server given with --url keeps its own autovacuum.
     */
    private void vacuumCatalogs() throws SQLException {
        if (o.url != null) {
            return;
        }
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("VACUUM pg_catalog.pg_attribute, pg_catalog.pg_class, pg_catalog.pg_depend, pg_catalog.pg_type,"
                    + " pg_catalog.pg_index, pg_catalog.pg_constraint, pg_catalog.pg_attrdef, pg_catalog.pg_sequence,"
                    + " pg_catalog.pg_namespace, pg_catalog.pg_statistic, pg_catalog.pg_shdepend, pg_catalog.pg_init_privs");
        }
    }

    // ---------------------------------------------------------------- data

    private void generate() throws SQLException {
        channelIds = IntStream.range(0, o.channels).map(i -> FIRST_CHANNEL + i).boxed().toList();
        columns = channelIds.stream().map(c -> "ch_" + c).toList();
        String schema = o.sourceTable.substring(0, o.sourceTable.indexOf('.'));
        try (Connection c = connect(); Statement s = c.createStatement()) {
            boolean exists = scalar(c, "SELECT to_regclass('" + o.sourceTable + "')") != null;
            if (exists && o.url != null && !o.dropExisting) {
                throw new BenchFailure(o.sourceTable + " exists in " + url + "; the bench drops and regenerates it: pass --drop-existing"
                        + " if that is intended, or --source-table=another.table");
            }
            boolean schemaExists = scalar(c, "SELECT to_regnamespace('" + BENCH_SCHEMA + "')") != null;
            if (schemaExists && o.url != null && !o.dropExisting) {
                throw new BenchFailure("schema " + BENCH_SCHEMA + " exists in " + url + "; the bench drops and recreates it for its wide tables:"
                        + " pass --drop-existing if that is intended");
            }
            log(String.format(Locale.ROOT, "generating %s: %d ships x %d channels x %d s at 1 Hz, %.1f %% missing...",
                    o.sourceTable, o.ships, o.channels, o.seconds, o.missing * 100));
            long t0 = System.nanoTime();
            s.execute("DROP SCHEMA IF EXISTS " + BENCH_SCHEMA + " CASCADE");
            s.execute("CREATE SCHEMA " + BENCH_SCHEMA);
            createdBenchSchema = true;
            s.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
            s.execute("DROP TABLE IF EXISTS " + o.sourceTable);
            s.execute("CREATE TABLE " + o.sourceTable + " (ship_id integer NOT NULL, data_channel_id integer NOT NULL,"
                    + " created_time timestamptz NOT NULL, value double precision)");
            s.execute("SELECT setseed(0.42)");
            // Rows arrive in time order across the fleet, as readings do in production.
            narrowRows = s.executeUpdate("INSERT INTO " + o.sourceTable
                    + " SELECT " + (FIRST_SHIP - 1) + " + sh, " + (FIRST_CHANNEL - 1) + " + ch,"
                    + " timestamptz '" + START + "' + sec * interval '1 second', random() * 2000 - 1000"
                    + " FROM generate_series(0, " + (o.seconds - 1) + ") sec, generate_series(1, " + o.ships + ") sh,"
                    + " generate_series(1, " + o.channels + ") ch"
                    + " WHERE random() >= " + o.missing);
            s.execute("CREATE INDEX ON " + o.sourceTable + " (ship_id, created_time, data_channel_id)");
            s.execute("VACUUM ANALYZE " + o.sourceTable);
            log(String.format(Locale.ROOT, "generated %,d narrow rows (%s with index) in %.1f s", narrowRows,
                    scalar(c, "SELECT pg_size_pretty(pg_total_relation_size('" + o.sourceTable + "'))"), secondsSince(t0)));

            t0 = System.nanoTime();
            s.execute("CREATE TABLE " + BENCH_SCHEMA + ".ref AS " + pivotSelect(null));
            s.execute("ANALYZE " + BENCH_SCHEMA + ".ref");
            wideRows = ((Number) scalar(c, "SELECT count(*) FROM " + BENCH_SCHEMA + ".ref")).longValue();
            log(String.format(Locale.ROOT, "reference SQL pivot (CREATE TABLE AS): %,d wide rows in %.1f s", wideRows, secondsSince(t0)));

            windows = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT ship_id, min(created_time), max(created_time) FROM " + o.sourceTable
                    + " GROUP BY ship_id ORDER BY ship_id")) {
                while (rs.next()) {
                    int ship = rs.getInt(1);
                    Instant first = rs.getObject(2, OffsetDateTime.class).toInstant();
                    Instant last = rs.getObject(3, OffsetDateTime.class).toInstant();
                    for (Instant[] w : cut(first, last.plusNanos(1000), o.chunkSize)) {
                        windows.add(new Window(ship, w[0], w[1]));
                    }
                }
            }
            log(windows.size() + " (ship, chunk) windows of " + o.chunkSizeText);
        }
    }

    /** Windows aligned to multiples of the size since the epoch, the first and last clipped: as the migrator plans. */
    static List<Instant[]> cut(Instant from, Instant to, Duration size) {
        long sizeMicros = Math.max(1, size.toNanos() / 1000);
        long end = micros(to);
        List<Instant[]> out = new ArrayList<>();
        long cursor = micros(from);
        while (cursor < end) {
            long next = Math.min(Math.floorDiv(cursor, sizeMicros) * sizeMicros + sizeMicros, end);
            out.add(new Instant[] {instant(cursor), instant(next)});
            cursor = next;
        }
        return out;
    }

    private static long micros(Instant i) {
        return i.getEpochSecond() * 1_000_000L + i.getNano() / 1000;
    }

    private static Instant instant(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
    }

    // ---------------------------------------------------------------- (a) and (a')

    private String pivotSelect(String where) {
        return "SELECT ship_id, created_time, "
                + IntStream.range(0, channelIds.size())
                .mapToObj(i -> "max(value) FILTER (WHERE data_channel_id = " + channelIds.get(i) + ") AS " + columns.get(i))
                .collect(Collectors.joining(", "))
                + " FROM " + o.sourceTable + (where == null ? "" : " WHERE " + where)
                + " GROUP BY ship_id, created_time";
    }

    /** The wide table as the migrator creates it: same types, primary key (ship_id, created_time). */
    private String createWide(String table) {
        return "CREATE TABLE " + table + " (ship_id integer NOT NULL, created_time timestamptz NOT NULL, "
                + columns.stream().map(c -> c + " double precision").collect(Collectors.joining(", "))
                + ", PRIMARY KEY (ship_id, created_time))";
    }

    /**
     * (a): one {@code INSERT ... SELECT ... GROUP BY} per (ship, chunk window), the windows shared by
     * {@code connections} threads with a connection each (1: one statement after the other).
     */
    private Run pivotPerChunk(String name, int connectionCount) throws Exception {
        String table = BENCH_SCHEMA + ".wide_" + name;
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(createWide(table));
        }
        String sql = "INSERT INTO " + table + " " + pivotSelect("ship_id = ? AND created_time >= ? AND created_time < ?");
        List<Connection> connections = new ArrayList<>();
        try {
            for (int i = 0; i < connectionCount; i++) {
                connections.add(connect());
            }
            ConcurrentLinkedQueue<Window> queue = new ConcurrentLinkedQueue<>(windows);
            AtomicReference<Exception> failure = new AtomicReference<>();
            List<Thread> threads = new ArrayList<>();
            long t0 = System.nanoTime();
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
            if (failure.get() != null) {
                throw new BenchFailure("(a) failed: " + failure.get());
            }
            verify(table, "(a) SQL pivot per chunk");
            return Run.of(seconds);
        } finally {
            for (Connection c : connections) {
                c.close();
            }
            drop(table, null);
        }
    }

    /**
     * (a'): the best single statement we found for the whole table: {@code CREATE TABLE AS} may use
     * parallel workers ({@code INSERT ... SELECT} may not), with a session {@code work_mem} large
     * enough that the hash aggregate does not spill (with the default 4MB it writes ~80 MB of temp
     * files here), then the primary key the migrator's wide table has. Server settings are untouched.
     */
    private Run pivotWhole(String name) throws Exception {
        String table = BENCH_SCHEMA + ".wide_" + name;
        drop(table, null);
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("SET work_mem = '" + o.pivotWorkMem + "'");
            long t0 = System.nanoTime();
            s.execute("CREATE TABLE " + table + " AS " + pivotSelect(null));
            s.execute("ALTER TABLE " + table + " ADD PRIMARY KEY (ship_id, created_time)");
            double seconds = secondsSince(t0);
            verify(table, "(a') SQL pivot, CREATE TABLE AS");
            return Run.of(seconds);
        } finally {
            drop(table, null);
        }
    }

    /** (a' insert): the statement most users write first: {@code INSERT INTO wide SELECT ...}, default session settings. */
    private Run pivotInsert(String name) throws Exception {
        String table = BENCH_SCHEMA + ".wide_" + name;
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(createWide(table));
            long t0 = System.nanoTime();
            s.executeUpdate("INSERT INTO " + table + " " + pivotSelect(null));
            double seconds = secondsSince(t0);
            verify(table, "(a') SQL pivot, INSERT ... SELECT");
            return Run.of(seconds);
        } finally {
            drop(table, null);
        }
    }

    // ---------------------------------------------------------------- (b)

    /** The migrator's command line for one run: its own wide table and control schema, the bench's chunk size and parallelism. */
    private List<String> runArguments(String name, String sourceUrl, String chunkSize) {
        List<String> args = new ArrayList<>(List.of("run",
                "--migrator.source.url=" + sourceUrl,
                "--migrator.source.table=" + o.sourceTable,
                "--migrator.chunk-size=" + chunkSize,
                "--migrator.parallelism=" + o.parallelism,
                "--migrator.target.table=" + BENCH_SCHEMA + ".wide_" + name,
                "--migrator.control-schema=" + BENCH_SCHEMA + "_ctl_" + name));
        if (!user.isEmpty()) {
            args.add("--migrator.source.username=" + user);
        }
        if (!o.discoverChannels) {
            args.add("--migrator.channels=" + channelIds.stream().map(String::valueOf).collect(Collectors.joining(",")));
        }
        args.addAll(o.migratorPassThrough);
        return args;
    }

    /** (b cold): {@code java -jar timeseries-migrator.jar run ...} as a fresh child process, timed from process start to exit. */
    private Run migrator(String name, String sourceUrl, String chunkSize) throws Exception {
        return migrator(name, sourceUrl, chunkSize, o.migratorJavaOpts);
    }

    private Run migrator(String name, String sourceUrl, String chunkSize, List<String> javaOptions) throws Exception {
        String table = BENCH_SCHEMA + ".wide_" + name;
        String control = BENCH_SCHEMA + "_ctl_" + name;
        drop(table, control);
        List<String> command = new ArrayList<>();
        Path rssFile = logDir.resolve(name + ".time");
        Files.deleteIfExists(rssFile);
        if (gnuTime) {
            command.addAll(List.of("/usr/bin/time", "-v", "-o", rssFile.toString()));
        }
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(javaOptions);
        command.addAll(List.of("-jar", projectDir.resolve(o.jar).toString()));
        command.addAll(runArguments(name, sourceUrl, chunkSize));
        Path output = logDir.resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder(command).directory(projectDir.toFile())
                .redirectErrorStream(true).redirectOutput(output.toFile());
        if (!password.isEmpty()) {
            pb.environment().put("MIGRATOR_SOURCE_PASSWORD", password); // kept off the command line
        }
        long startedEpochMs = System.currentTimeMillis();
        long t0 = System.nanoTime();
        Process p = pb.start();
        RssPoller poller = gnuTime ? null : new RssPoller(p.pid());
        boolean ended = p.waitFor(2, TimeUnit.HOURS);
        double seconds = secondsSince(t0);
        long endedEpochMs = System.currentTimeMillis();
        if (!ended) {
            p.destroyForcibly();
            throw new BenchFailure("the migrator (" + name + ") did not end within 2 h; output: " + output);
        }
        long rssKb = gnuTime ? rssFromTime(rssFile) : poller.stop();
        if (p.exitValue() != 0) {
            throw new BenchFailure("the migrator (" + name + ") exited with " + p.exitValue() + "; last lines of " + output + ":\n" + tail(output, 30));
        }
        List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
        return checkRun(name, seconds, rssKb, startedEpochMs, endedEpochMs, lines, projectDir.relativize(output).toString());
    }

    /**
     * (b warm): the same {@code run} command executed in the long-lived migrator JVM {@link WarmChild}
     * (Camel start and stop included, every run against a fresh wide table and control schema).
     */
    private Run migratorWarm(WarmChild child, String name, String sourceUrl, String chunkSize) throws Exception {
        drop(BENCH_SCHEMA + ".wide_" + name, BENCH_SCHEMA + "_ctl_" + name);
        long startedEpochMs = System.currentTimeMillis();
        WarmChild.Result r = child.run(runArguments(name, sourceUrl, chunkSize));
        long endedEpochMs = System.currentTimeMillis();
        if (r.exitCode() != 0) {
            throw new BenchFailure("the warm migrator (" + name + ") returned exit code " + r.exitCode() + "; its output:\n"
                    + String.join("\n", r.lines().subList(Math.max(0, r.lines().size() - 30), r.lines().size())));
        }
        return checkRun(name, r.nanos() / 1e9, child.peakRssKb(), startedEpochMs, endedEpochMs, r.lines(),
                projectDir.relativize(child.log()).toString()).withJvm(r.cpuNanos() / 1e9, r.jitMillis() / 1e3);
    }

    /** Reads the run's ledger (all chunks DONE, every narrow row counted, its span) and checks its wide table against the SQL pivot. */
    private Run checkRun(String name, double seconds, long rssKb, long startedEpochMs, long endedEpochMs, List<String> lines, String log)
            throws SQLException {
        String table = BENCH_SCHEMA + ".wide_" + name;
        String control = BENCH_SCHEMA + "_ctl_" + name;
        Run r;
        try (Connection c = connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FILTER (WHERE status = 'DONE'), count(*) FILTER (WHERE status = 'SPLIT'),"
                     + " count(*) FILTER (WHERE status NOT IN ('DONE', 'SPLIT')), coalesce(sum(rows_read) FILTER (WHERE status = 'DONE'), 0),"
                     + " extract(epoch FROM max(finished_at) - min(started_at)),"
                     + " extract(epoch FROM min(started_at)), extract(epoch FROM max(finished_at))"
                     + " FROM " + control + ".chunk")) {
            rs.next();
            if (rs.getLong(3) > 0) {
                throw new BenchFailure("the migrator (" + name + ") left " + rs.getLong(3) + " chunks neither DONE nor SPLIT in " + control + ".chunk");
            }
            if (rs.getLong(4) != narrowRows) {
                throw new BenchFailure("the migrator (" + name + ")'s ledger counts " + rs.getLong(4) + " narrow rows read, the source has " + narrowRows);
            }
            double ledger = rs.getDouble(5);
            double startup = rs.getDouble(6) - startedEpochMs / 1000.0;
            double tail = endedEpochMs / 1000.0 - rs.getDouble(7);
            int errors = 0;
            int warnings = 0;
            // the first one is kept: the warm JVM's log is the next bench run's too, so the report has to say what it was
            String first = null;
            for (String line : lines) {
                boolean error = line.contains(" ERROR ");
                if (error || line.contains(" WARN ")) {
                    errors += error ? 1 : 0;
                    warnings += error ? 0 : 1;
                    first = first != null ? first : line.length() > 240 ? line.substring(0, 240) + "..." : line;
                }
            }
            r = new Run(seconds, ledger, rssKb, startup, tail, rs.getInt(1), rs.getInt(2), errors, warnings, first, log, Double.NaN, Double.NaN);
        }
        try {
            verify(table, "(b) migrator " + name);
        } finally {
            drop(table, control);
        }
        return r;
    }

    private String proxyUrl(DelayProxy proxy) {
        Matcher m = URL.matcher(url);
        if (!m.matches()) {
            throw new BenchFailure("cannot read host and port from " + url);
        }
        return "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/" + m.group(3) + (m.group(4) == null ? "" : m.group(4));
    }

    private static boolean detectGnuTime() {
        try {
            Path f = Files.createTempFile("bench-time", ".txt");
            Process p = new ProcessBuilder("/usr/bin/time", "-v", "-o", f.toString(), "true").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            boolean ok = p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0
                    && Files.readString(f).contains("Maximum resident set size");
            Files.deleteIfExists(f);
            if (!ok) {
                log("/usr/bin/time -v is not usable: peak RSS comes from polling /proc/<pid>/status VmHWM");
            }
            return ok;
        } catch (IOException | InterruptedException e) {
            log("/usr/bin/time is not available (" + e.getMessage() + "): peak RSS comes from polling /proc/<pid>/status VmHWM");
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

    /** Fallback when GNU time is missing: the largest VmHWM seen while polling every 20 ms. */
    static final class RssPoller {
        private final Thread thread;
        private volatile long maxKb = -1;
        private volatile boolean stop;

        RssPoller(long pid) {
            Path status = Path.of("/proc/" + pid + "/status");
            thread = new Thread(() -> {
                while (!stop) {
                    try {
                        for (String line : Files.readAllLines(status)) {
                            if (line.startsWith("VmHWM:")) {
                                maxKb = Math.max(maxKb, Long.parseLong(line.replaceAll("[^0-9]", "")));
                            }
                        }
                        Thread.sleep(20);
                    } catch (IOException | InterruptedException e) {
                        return;
                    }
                }
            }, "rss-poller");
            thread.setDaemon(true);
            thread.start();
        }

        long stop() throws InterruptedException {
            stop = true;
            thread.join(1000);
            return maxKb;
        }
    }

    // ---------------------------------------------------------------- checks and helpers

    /** The wide table must equal the SQL pivot exactly: same row count, nothing missing or extra (EXCEPT ALL both ways). */
    private void verify(String table, String what) throws SQLException {
        String cols = "ship_id, created_time, " + String.join(", ", columns);
        String ref = "SELECT " + cols + " FROM " + BENCH_SCHEMA + ".ref";
        String got = "SELECT " + cols + " FROM " + table;
        try (Connection c = connect()) {
            long count = ((Number) scalar(c, "SELECT count(*) FROM " + table)).longValue();
            long missing = ((Number) scalar(c, "SELECT count(*) FROM (" + ref + " EXCEPT ALL " + got + ") d")).longValue();
            long extra = ((Number) scalar(c, "SELECT count(*) FROM (" + got + " EXCEPT ALL " + ref + ") d")).longValue();
            if (count != wideRows || missing != 0 || extra != 0) {
                throw new BenchFailure(String.format(Locale.ROOT,
                        "%s: %s differs from the SQL pivot: %d rows (pivot: %d), %d pivot rows missing or different, %d rows not in the pivot",
                        what, table, count, wideRows, missing, extra));
            }
        }
    }

    private void drop(String table, String controlSchema) throws SQLException {
        if (o.keep) {
            return;
        }
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + table);
            if (controlSchema != null) {
                s.execute("DROP SCHEMA IF EXISTS " + controlSchema + " CASCADE");
            }
        }
    }

    private Connection connect() throws SQLException {
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

    private static Object scalar(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getObject(1);
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
            case "a1" -> "(a1)";
            case "aN" -> "(a" + o.parallelism + ")";
            case "ap" -> "(a')";
            case "api" -> "(a'i)";
            case "bw" -> "(bw)";
            case "bwf" -> "(bwf)";
            case "bc" -> "(bc)";
            case "bwp" -> "(bwp)";
            case "bwp0" -> "(bwp0)";
            default -> kind;
        };
    }

    private String describe(Run r) {
        String s = String.format(Locale.ROOT, "%7.2f s  %,11.0f rows/s", r.seconds(), narrowRows / r.seconds());
        if (!Double.isNaN(r.ledgerSeconds())) {
            s += String.format(Locale.ROOT, "   ledger %6.2f s %,11.0f rows/s   before 1st chunk %.2f s, after last %.2f s   chunks %d%s   peak RSS %d MB",
                    r.ledgerSeconds(), narrowRows / r.ledgerSeconds(), r.startupSeconds(), r.tailSeconds(), r.chunksDone(),
                    r.chunksSplit() > 0 ? " (+" + r.chunksSplit() + " split)" : "", r.rssKb() / 1024);
            if (!Double.isNaN(r.jvmCpuSeconds())) {
                s += String.format(Locale.ROOT, "   JVM CPU %.2f s (JIT %.2f s)", r.jvmCpuSeconds(), r.jitSeconds());
            }
            if (r.errorLines() + r.warnLines() > 0) {
                s += String.format(Locale.ROOT, "   log: %d ERROR, %d WARN lines in %s, the first: %s", r.errorLines(), r.warnLines(), r.log(),
                        r.firstProblem());
            }
        }
        return s;
    }

    // ---------------------------------------------------------------- report

    private void report(String serverVersion, List<Map.Entry<String, Run>> all, Map<String, Run> sweep, long warmRssKb) {
        Map<String, List<Run>> by = new LinkedHashMap<>();
        for (Map.Entry<String, Run> e : all) {
            by.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue());
        }
        var out = System.out;
        out.println();
        out.printf(Locale.ROOT, "timeseries-migrator benchmark: PostgreSQL %s, %d cores, Java %s%n", serverVersion,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        out.printf(Locale.ROOT, "data: %d ships x %d channels x %d s at 1 Hz, %.1f %% missing = %,d narrow rows -> %,d wide rows%n",
                o.ships, o.channels, o.seconds, o.missing * 100, narrowRows, wideRows);
        out.printf(Locale.ROOT, "chunk size %s (%d windows), parallelism %d, %d measured repetitions after %d warm-up"
                + " (each warm JVM settled by %d runs first); every wide table checked = SQL pivot%n",
                o.chunkSizeText, windows.size(), o.parallelism, o.reps, o.warmup, o.warmRuns);
        out.println("migrator JVM options: " + (o.migratorJavaOpts.isEmpty() ? "none (the JVM's own heap sizing)" : String.join(" ", o.migratorJavaOpts))
                + (o.migratorPassThrough.isEmpty() ? "" : "; settings: " + String.join(" ", o.migratorPassThrough))
                + (o.discoverChannels ? " (channels discovered by the migrator)" : ""));
        out.println();
        out.printf(Locale.ROOT, "%-72s %14s %27s %10s%n", "figure", "median rows/s", "min - max rows/s", "median s");
        String n = String.valueOf(o.parallelism);
        row(out, "(a1)  SQL pivot per (ship, chunk), 1 connection", by.get("a1"), Run::seconds);
        row(out, "(a" + n + ")  SQL pivot per (ship, chunk), " + n + " connections", by.get("aN"), Run::seconds);
        row(out, "(a')  SQL pivot, one statement: CREATE TABLE AS + PK, work_mem " + o.pivotWorkMem, by.get("ap"), Run::seconds);
        row(out, "(a'i) SQL pivot, one statement: INSERT INTO wide SELECT (serial plan)", by.get("api"), Run::seconds);
        row(out, "(bw)  migrator run, warm JVM: Camel start to stop", by.get("bw"), Run::seconds);
        row(out, "(bw)  migrator run, warm JVM: ledger (1st chunk start to last end)", by.get("bw"), Run::ledgerSeconds);
        if (by.containsKey("bwf")) {
            String settled = "(bwf) migrator run, warm JVM, its JIT stopped after " + o.warmRuns + " runs";
            row(out, settled, by.get("bwf"), Run::seconds);
            row(out, settled + ": ledger", by.get("bwf"), Run::ledgerSeconds);
        }
        row(out, "(bc)  migrator run, cold: java -jar, process start to exit", by.get("bc"), Run::seconds);
        row(out, "(bc)  migrator run, cold: ledger (1st chunk start to last end)", by.get("bc"), Run::ledgerSeconds);
        String proxyLabel = String.format(Locale.ROOT, "(bwp) migrator run, warm JVM, via %s ms/direction proxy", trim(o.proxyLatencyMs));
        if (by.containsKey("bwp")) {
            row(out, proxyLabel, by.get("bwp"), Run::seconds);
            row(out, proxyLabel + ": ledger", by.get("bwp"), Run::ledgerSeconds);
        }
        if (by.containsKey("bwp0")) {
            row(out, "(bwp0) migrator run, warm JVM, via the same proxy, no delay", by.get("bwp0"), Run::seconds);
        }
        out.println();
        double a1 = median(by.get("a1"), Run::seconds);
        double aN = median(by.get("aN"), Run::seconds);
        double ap = median(by.get("ap"), Run::seconds);
        double api = median(by.get("api"), Run::seconds);
        out.printf(Locale.ROOT, "ratios: throughput of the migrator / throughput of the baseline (medians; 1.00 = as fast as the SQL pivot)%n");
        out.printf(Locale.ROOT, "  %-48s %8s %8s %8s %8s%n", "", "/(a1)", "/(a" + n + ")", "/(a')", "/(a'i)");
        if (by.containsKey("bw")) {
            ratioRow(out, "(bw) warm JVM, whole run  [headline]", median(by.get("bw"), Run::seconds), a1, aN, ap, api);
            ratioRow(out, "(bw) warm JVM, ledger span", median(by.get("bw"), Run::ledgerSeconds), a1, aN, ap, api);
        }
        if (by.containsKey("bwf")) {
            ratioRow(out, "(bwf) JIT stopped, whole run  [diagnostic]", median(by.get("bwf"), Run::seconds), a1, aN, ap, api);
        }
        if (by.containsKey("bc")) {
            ratioRow(out, "(bc) cold JVM, process start to exit", median(by.get("bc"), Run::seconds), a1, aN, ap, api);
            ratioRow(out, "(bc) cold JVM, ledger span", median(by.get("bc"), Run::ledgerSeconds), a1, aN, ap, api);
        }
        double bw = median(by.get("bw"), Run::seconds);
        double bc = median(by.get("bc"), Run::seconds);
        if (by.containsKey("bw")) {
            out.printf(Locale.ROOT, "  outside the ledger span: warm %.2f s of %.2f s (Camel start, planning, stop)", bw - median(by.get("bw"), Run::ledgerSeconds), bw);
        }
        if (by.containsKey("bc")) {
            out.printf(Locale.ROOT, "%s cold %.2f s of %.2f s (+ JVM start and exit)", by.containsKey("bw") ? ";" : "  outside the ledger span:",
                    bc - median(by.get("bc"), Run::ledgerSeconds), bc);
        }
        if (by.containsKey("bw") || by.containsKey("bc")) {
            out.println();
        }
        if (by.containsKey("bwp") && by.containsKey("bw")) {
            double pw = median(by.get("bwp"), Run::seconds);
            double pl = median(by.get("bwp"), Run::ledgerSeconds);
            out.printf(Locale.ROOT, "  (bwp via proxy %s ms/direction) / (bw direct) = %.2f (whole run)   %.2f (ledger span)%n", trim(o.proxyLatencyMs),
                    bw / pw, median(by.get("bw"), Run::ledgerSeconds) / pl);
            if (by.containsKey("bwp0")) {
                out.printf(Locale.ROOT, "  (bwp) / (bwp0) = %.2f: the latency alone, the proxy's own CPU on these cores taken out ((bwp0) / (bw) = %.2f)%n",
                        median(by.get("bwp0"), Run::seconds) / pw, bw / median(by.get("bwp0"), Run::seconds));
            }
        }
        out.println();
        if (warmRssKb >= 0) {
            // the warm JVM runs (bw), (bwp) and (bwp0), each warm-up and repetition, after its settling runs
            long warmRuns = o.warmRuns + (long) (o.warmup + o.reps) * Stream.of("bw", "bwp", "bwp0").filter(by::containsKey).count();
            out.printf(Locale.ROOT, "migrator peak RSS, warm JVM (VmHWM over its whole life, %d runs): %d MB%n", warmRuns, warmRssKb / 1024);
            if (by.containsKey("bw")) {
                // The JIT compilers still compile start-up code (YAML parser, bean introspection) that every run executes once.
                out.printf(Locale.ROOT, "warm JVM during a (bw) run, medians: CPU %.2f s, JIT compilation %.2f s%n",
                        median(by.get("bw"), Run::jvmCpuSeconds), median(by.get("bw"), Run::jitSeconds));
            }
        }
        if (by.containsKey("bc")) {
            List<Long> rss = by.get("bc").stream().map(Run::rssKb).sorted().toList();
            out.printf(Locale.ROOT, "migrator peak RSS, cold runs (%s): median %d MB, max %d MB (chunk size %s)%n", gnuTime ? "/usr/bin/time -v" : "VmHWM polled",
                    medianLong(rss) / 1024, rss.get(rss.size() - 1) / 1024, o.chunkSizeText);
        }
        List<Run> withErrors = all.stream().map(Map.Entry::getValue).filter(r -> r.errorLines() + r.warnLines() > 0).toList();
        if (!withErrors.isEmpty()) {
            out.printf(Locale.ROOT, "note: %d of the measured migrator runs logged ERROR or WARN lines (the data was still exact); logs in %s%n",
                    withErrors.size(), projectDir.relativize(logDir));
            withErrors.forEach(r -> out.printf(Locale.ROOT, "  the first: %s%n", r.firstProblem()));
        }
        for (Map.Entry<String, Run> e : sweep.entrySet()) {
            Run r = e.getValue();
            String size = e.getKey().substring(0, e.getKey().indexOf(' '));
            long sizeSeconds = Duration.parse(size).toSeconds();
            String note = o.seconds < sizeSeconds ? String.format(Locale.ROOT, "  (NOTE: a chunk holds only %d s of data: --seconds=%d < %s)", o.seconds, o.seconds, size) : "";
            out.printf(Locale.ROOT, "rss-sweep, cold java -jar run, chunk size %-40s peak RSS %4d MB   wall %.2f s   ledger %.2f s%s%n", e.getKey(),
                    r.rssKb() / 1024, r.seconds(), r.ledgerSeconds(), note);
        }
    }

    private static void ratioRow(java.io.PrintStream out, String label, double seconds, double... baselines) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "  %-48s", label));
        for (double b : baselines) {
            // a baseline left out with --only has no ratio
            sb.append(Double.isNaN(b) ? String.format(Locale.ROOT, " %8s", "-") : String.format(Locale.ROOT, " %8.2f", b / seconds));
        }
        out.println(sb);
    }

    private void row(java.io.PrintStream out, String label, List<Run> runs, java.util.function.ToDoubleFunction<Run> f) {
        if (runs == null) {
            return;
        }
        double med = median(runs, f);
        double slowest = runs.stream().mapToDouble(f).max().orElseThrow();
        double fastest = runs.stream().mapToDouble(f).min().orElseThrow();
        out.printf(Locale.ROOT, "%-72s %,14.0f %,12.0f - %,-12.0f %10.2f%n", label, narrowRows / med, narrowRows / slowest, narrowRows / fastest, med);
    }

    private static double median(List<Run> runs, java.util.function.ToDoubleFunction<Run> f) {
        if (runs == null) {
            return Double.NaN;
        }
        double[] v = runs.stream().mapToDouble(f).sorted().toArray();
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    private static long medianLong(List<Long> sorted) {
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static String trim(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }
}
