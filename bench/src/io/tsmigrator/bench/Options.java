package io.tsmigrator.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The benchmark's command line: {@code --key=value} options, and {@code --migrator.*} options passed to the migrator. */
final class Options {

    static final String USAGE = """
            usage: bash bench/run.sh [--scenario=wide|fleet|million|outliers] [--option=value ...]
              --scenario=wide         wide: the headline, 1 Hz readings of many channels (below);
                                      fleet: 200 ships x 2 channels x 1 reading/min x 2 days in PT1H chunks (chunks/s);
                                      million: 500 ships x 2,000 one-minute windows of one reading (10^6 chunks):
                                      plan, report, and chunks/s over the first --run-seconds of the run;
                                      outliers: a ship with one reading in 1970 and a ship with a 90-day gap
              --ships=12 --channels=93 --seconds=14400 --missing=0.02   the wide data set (1 Hz readings)
              --reps=3                measured repetitions (median, min-max)
              --chunk-size=PT1H       chunk window of (a2) and the migrator (wide scenario)
              --parallelism=2         connections of (a2), migrator.parallelism
              --only=a2,ap,bc         figures of the wide scenario: a2 (SQL pivot per chunk, --parallelism connections),
                                      ap (one-statement SQL pivot), bc (java -jar ... run, cold); bp needs --proxy-latency-ms
              --proxy-latency-ms=N    also bp: the cold run through a loopback proxy adding N ms per direction,
                                      at --proxy-parallelism (default 8)
              --db-bound              PostgreSQL pinned to CPU 0 (its backends inherit it), the bench and every client on CPU 1
              --durable               the embedded server with fsync and synchronous_commit on, as in production
                                      (default: off, as the embedded server starts; commits then cost no disk flush)
              --run-seconds=60        million: how long the run goes before SIGTERM
              --rss-sweep             wide: also cold runs at PT15M and PT6H, and print their peak RSS
              --migrator-java-opts='...'  JVM options of the migrator (default: none)
              --pivot-work-mem=256MB  work_mem of the session of the one-statement pivot (a')
              --url=jdbc:postgresql://HOST:PORT/DB --user=U --password=P   use this database instead of an embedded one
              --drop-existing         with --url: allow dropping the source table and schema "bench"
              --jar=target/timeseries-migrator.jar
              --compare-jar=PATH      wide: also bo, the cold run of another build of the migrator (e.g. an earlier commit's jar)
              --migrator.KEY=VALUE    passed through to every migrator run""";

    String scenario = "wide";
    int ships = 12;
    int channels = 93;
    int seconds = 14400;
    double missing = 0.02;
    int reps = 3;
    Duration chunkSize = Duration.ofHours(1);
    String chunkSizeText = "PT1H";
    int parallelism = 2;
    String pivotWorkMem = "256MB";
    List<String> only = List.of("a2", "ap", "bc");
    double proxyLatencyMs = -1;
    int proxyParallelism = 8;
    boolean dbBound;
    boolean durable;
    int runSeconds = 60;
    boolean rssSweep;
    List<String> migratorJavaOpts = List.of();
    String url;
    String user = "";
    String password = "";
    String sourceTable = "tenant.tbl_data_timeseries";
    boolean dropExisting;
    Path jar = Path.of("target/timeseries-migrator.jar");
    Path compareJar;
    final List<String> migratorPassThrough = new ArrayList<>();

    static Options parse(String[] args) {
        Options o = new Options();
        Map<String, String> kv = new LinkedHashMap<>();
        for (String arg : args) {
            if (arg.equals("--help") || arg.equals("-h")) {
                System.out.println(USAGE);
                System.exit(0);
            }
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "'\n" + USAGE);
            }
            if (arg.startsWith("--migrator.")) {
                o.migratorPassThrough.add(arg);
                continue;
            }
            int eq = arg.indexOf('=');
            kv.put(eq < 0 ? arg.substring(2) : arg.substring(2, eq), eq < 0 ? "true" : arg.substring(eq + 1));
        }
        for (Map.Entry<String, String> e : kv.entrySet()) {
            String v = e.getValue();
            switch (e.getKey()) {
                case "scenario" -> {
                    if (!List.of("wide", "fleet", "million", "outliers").contains(v)) {
                        throw new IllegalArgumentException("--scenario takes wide, fleet, million or outliers");
                    }
                    o.scenario = v;
                }
                case "ships" -> o.ships = positive(e.getKey(), v);
                case "channels" -> o.channels = positive(e.getKey(), v);
                case "seconds" -> o.seconds = positive(e.getKey(), v);
                case "missing" -> {
                    o.missing = Double.parseDouble(v);
                    if (o.missing < 0 || o.missing >= 1) {
                        throw new IllegalArgumentException("--missing must be in [0, 1)");
                    }
                }
                case "reps" -> o.reps = positive(e.getKey(), v);
                case "chunk-size" -> {
                    o.chunkSize = Duration.parse(v);
                    o.chunkSizeText = v;
                    if (o.chunkSize.isNegative() || o.chunkSize.isZero()) {
                        throw new IllegalArgumentException("--chunk-size must be positive");
                    }
                }
                case "parallelism" -> o.parallelism = positive(e.getKey(), v);
                case "proxy-parallelism" -> o.proxyParallelism = positive(e.getKey(), v);
                case "only" -> {
                    o.only = List.of(v.split(","));
                    for (String k : o.only) {
                        if (!List.of("a2", "ap", "bc", "bp", "bo").contains(k)) {
                            throw new IllegalArgumentException("--only takes a2, ap, bc, bp, bo");
                        }
                    }
                }
                case "pivot-work-mem" -> {
                    if (!v.matches("[0-9]+(kB|MB|GB)")) {
                        throw new IllegalArgumentException("--pivot-work-mem must look like 256MB");
                    }
                    o.pivotWorkMem = v;
                }
                case "proxy-latency-ms" -> o.proxyLatencyMs = Double.parseDouble(v);
                case "db-bound" -> o.dbBound = Boolean.parseBoolean(v);
                case "durable" -> o.durable = Boolean.parseBoolean(v);
                case "run-seconds" -> o.runSeconds = positive(e.getKey(), v);
                case "rss-sweep" -> o.rssSweep = Boolean.parseBoolean(v);
                case "migrator-java-opts" -> o.migratorJavaOpts = v.isBlank() ? List.of() : List.of(v.trim().split("\\s+"));
                case "url" -> o.url = v;
                case "user" -> o.user = v;
                case "password" -> o.password = v;
                case "drop-existing" -> o.dropExisting = Boolean.parseBoolean(v);
                case "jar" -> o.jar = Path.of(v);
                case "compare-jar" -> o.compareJar = Path.of(v).toAbsolutePath();
                default -> throw new IllegalArgumentException("unknown option --" + e.getKey() + "\n" + USAGE);
            }
        }
        if (o.proxyLatencyMs >= 0 && !o.only.contains("bp")) {
            List<String> figures = new ArrayList<>(o.only);
            figures.add("bp");
            o.only = List.copyOf(figures);
        }
        if (o.compareJar != null && !o.only.contains("bo")) {
            List<String> figures = new ArrayList<>(o.only);
            figures.add("bo");
            o.only = List.copyOf(figures);
        }
        if (o.only.contains("bp") && o.proxyLatencyMs < 0) {
            throw new IllegalArgumentException("bp needs --proxy-latency-ms");
        }
        if (o.only.contains("bo") && o.compareJar == null) {
            throw new IllegalArgumentException("bo needs --compare-jar");
        }
        if (o.durable && o.url != null) {
            throw new IllegalArgumentException("--durable configures the bench's own embedded server: it takes no --url");
        }
        if (o.dbBound && o.url != null) {
            throw new IllegalArgumentException("--db-bound pins the bench's own embedded server: it takes no --url");
        }
        return o;
    }

    private static int positive(String key, String v) {
        int n = Integer.parseInt(v);
        if (n <= 0) {
            throw new IllegalArgumentException("--" + key + " must be positive");
        }
        return n;
    }
}
