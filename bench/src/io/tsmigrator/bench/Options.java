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
            usage: bash bench/run.sh [--option=value ...]
              --ships=4               ships (ids 1001..)
              --channels=93           channels per ship (ids 101..)
              --seconds=7200          seconds of 1 Hz readings per ship
              --missing=0.02          share of readings left out at random
              --reps=7                measured repetitions (median, min-max); one warm-up repetition runs first
              --warmup=1              warm-up repetitions (not counted)
              --warm-runs=150         settling runs of each warm migrator JVM before the repetitions (not counted): a young
                                      warm JVM compiles Camel's start code anew, run after run, for ~150 runs
              --chunk-size=PT1H       chunk window for (a) and the migrator
              --parallelism=2         threads/connections for (a) and migrator.parallelism
              --pivot-work-mem=256MB  work_mem of the session of the one-statement pivot (a'), so its hash aggregate does not spill
              --only=bw,bwp           measure only these figures (a1, aN, ap, api, bw, bwf, bc, bwp, bwp0; default: all but bwf)
              --proxy-latency-ms=N    also run the migrator through a loopback TCP proxy adding N ms per direction
                                      (bwp), and through the same proxy without delay (bwp0)
              --rss-sweep             also run the migrator (cold) at PT15M and at PT6H, with those JVM options and with none, and print peak RSS
              --migrator-java-opts='...'  JVM options of the migrator JVMs (default: the README's, see Options.README_JAVA_OPTS;
                                      --migrator-java-opts= for none)
              --discover-channels     let the migrator discover channels itself (default: pass --migrator.channels)
              --url=jdbc:postgresql://HOST:PORT/DB --user=U --password=P   use this database instead of an embedded one
              --source-table=tenant.tbl_data_timeseries   the narrow table the bench (re)creates
              --drop-existing         with --url: allow dropping an existing source table and schema "bench"
              --keep                  keep the wide tables and control schemas the bench writes
              --jar=target/timeseries-migrator.jar
              --migrator.KEY=VALUE    passed through to every migrator run (e.g. --migrator.chunk-size=PT20M)""";

    int ships = 4;
    int channels = 93;
    int seconds = 7200;
    double missing = 0.02;
    int reps = 7;
    int warmup = 1;
    int warmRuns = 150;
    Duration chunkSize = Duration.ofHours(1);
    String chunkSizeText = "PT1H";
    int parallelism = 2;
    String pivotWorkMem = "256MB";
    List<String> only = List.of();
    double proxyLatencyMs = -1;
    static final List<String> FIGURES = List.of("a1", "aN", "ap", "api", "bw", "bwf", "bc", "bwp", "bwp0");
    boolean rssSweep;
    /** The JVM options the README gives for {@code java -jar}: a heap sized for the migrator, not a quarter of the machine. */
    static final List<String> README_JAVA_OPTS = List.of("-XX:+UseSerialGC", "-Xmx160m", "-Xmn80m", "-XX:SurvivorRatio=4");

    List<String> migratorJavaOpts = README_JAVA_OPTS;
    boolean discoverChannels;
    String url;
    String user = "";
    String password = "";
    String sourceTable = "tenant.tbl_data_timeseries";
    boolean dropExisting;
    boolean keep;
    Path jar = Path.of("target/timeseries-migrator.jar");
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
            if (eq < 0) {
                kv.put(arg.substring(2), "true");
            } else {
                kv.put(arg.substring(2, eq), arg.substring(eq + 1));
            }
        }
        for (Map.Entry<String, String> e : kv.entrySet()) {
            String v = e.getValue();
            switch (e.getKey()) {
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
                case "warmup" -> o.warmup = Integer.parseInt(v);
                case "warm-runs" -> {
                    o.warmRuns = Integer.parseInt(v);
                    if (o.warmRuns < 0) {
                        throw new IllegalArgumentException("--warm-runs must be 0 or more");
                    }
                }
                case "chunk-size" -> {
                    o.chunkSize = Duration.parse(v);
                    o.chunkSizeText = v;
                    if (o.chunkSize.isNegative() || o.chunkSize.isZero()) {
                        throw new IllegalArgumentException("--chunk-size must be positive");
                    }
                }
                case "parallelism" -> o.parallelism = positive(e.getKey(), v);
                case "only" -> {
                    o.only = List.of(v.split(","));
                    for (String k : o.only) {
                        if (!FIGURES.contains(k)) {
                            throw new IllegalArgumentException("--only takes " + String.join(", ", FIGURES));
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
                case "rss-sweep" -> o.rssSweep = Boolean.parseBoolean(v);
                case "migrator-java-opts" -> o.migratorJavaOpts = v.isBlank() ? List.of() : List.of(v.trim().split("\\s+"));
                case "discover-channels" -> o.discoverChannels = Boolean.parseBoolean(v);
                case "url" -> o.url = v;
                case "user" -> o.user = v;
                case "password" -> o.password = v;
                case "source-table" -> o.sourceTable = v;
                case "drop-existing" -> o.dropExisting = Boolean.parseBoolean(v);
                case "keep" -> o.keep = Boolean.parseBoolean(v);
                case "jar" -> o.jar = Path.of(v);
                default -> throw new IllegalArgumentException("unknown option --" + e.getKey() + "\n" + USAGE);
            }
        }
        if (!o.sourceTable.matches("[a-z_][a-z0-9_]*\\.[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("--source-table must be schema.table in lower case");
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
