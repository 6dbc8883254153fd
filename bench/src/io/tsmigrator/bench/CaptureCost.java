package io.tsmigrator.bench;

import io.tsmigrator.capture.ChangeCapture;
import io.tsmigrator.config.Settings;
import io.tsmigrator.embedded.EmbeddedDatabase;
import io.tsmigrator.source.SourceTable;
import org.postgresql.ds.PGSimpleDataSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the change-capture trigger costs the source's writers: the same INSERTs into two identical
 * narrow tables (same columns, same index), one with the capture triggers and one without,
 * alternating statement by statement so both meet the same server state, each statement in its own
 * transaction (autocommit) on one connection. Usage: {@code bash bench/capture-cost.sh
 * [--batches=200] [--singles=2000] [--url=jdbc:postgresql://HOST/DB --user=U --password=P]};
 * without --url it starts the embedded PostgreSQL (fsync off: commits are cheaper than on a real
 * server, so the relative overhead it shows is an upper bound).
 */
public final class CaptureCost {

    private static final String SCHEMA = "bench_capture";
    private static final String PLAIN = SCHEMA + ".narrow_plain";
    private static final String CAPTURED = SCHEMA + ".narrow_captured";
    private static final String CONTROL = "bench_capture_ctl";
    private static final OffsetDateTime BASE = OffsetDateTime.of(2024, 3, 1, 0, 0, 0, 0, ZoneOffset.UTC);
    private static final String INSERT_BATCH = " (ship_id, data_channel_id, created_time, value)"
            + " SELECT * FROM unnest(?::int[], ?::int[], ?::timestamptz[], ?::float8[])";

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            options.put(arg.substring(2, eq < 0 ? arg.length() : eq), eq < 0 ? "true" : arg.substring(eq + 1));
        }
        int batches = Integer.parseInt(options.getOrDefault("batches", "200"));
        int singles = Integer.parseInt(options.getOrDefault("singles", "2000"));
        EmbeddedDatabase embedded = options.containsKey("url") ? null : EmbeddedDatabase.start();
        try {
            PGSimpleDataSource ds = new PGSimpleDataSource();
            ds.setUrl(embedded == null ? options.get("url") : embedded.jdbcUrl());
            ds.setUser(embedded == null ? options.getOrDefault("user", "") : EmbeddedDatabase.USER);
            if (options.containsKey("password")) {
                ds.setPassword(options.get("password"));
            }
            run(ds, batches, singles);
        } finally {
            if (embedded != null) {
                embedded.close();
            }
        }
    }

    private static void run(PGSimpleDataSource ds, int batches, int singles) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
            s.execute("DROP SCHEMA IF EXISTS " + CONTROL + " CASCADE");
            s.execute("CREATE SCHEMA " + SCHEMA);
            for (String table : List.of(PLAIN, CAPTURED)) {
                s.execute("CREATE TABLE " + table + " (ship_id integer NOT NULL, data_channel_id integer NOT NULL,"
                        + " created_time timestamptz NOT NULL, value double precision)");
                s.execute("CREATE INDEX ON " + table + " (ship_id, created_time, data_channel_id)");
            }
            System.out.println("# " + c.getMetaData().getDatabaseProductVersion() + "; fsync " + show(s, "fsync")
                    + ", synchronous_commit " + show(s, "synchronous_commit") + "; chunk size PT1H");
        }
        Map<String, String> values = new HashMap<>(Settings.DEFAULTS);
        values.put(Settings.SOURCE_TABLE, CAPTURED);
        Settings settings = new Settings(values);
        new ChangeCapture(ds, SourceTable.inspect(ds, settings), CONTROL, Duration.ofHours(1)).install();

        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(true);
            System.out.println("workload                                            plain ms (median, min-max)   captured ms (median, min-max)   overhead");
            measure(c, "1,000-row INSERT, 5 ships x 3 windows (200 rows a ship)", batches, b -> spread(b));
            measure(c, "1,000-row INSERT, 1 ship x 1 window", batches, b -> oneWindow(b));
            measureSingles(c, singles);
            serverTime(c, "1,000-row INSERT, 5 ships x 3 windows", batches, b -> spread(batches * 2 + b));
            serverTime(c, "1,000-row INSERT, 1 ship x 1 window", batches, b -> oneWindow(batches * 2 + b));
        }
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA " + SCHEMA + " CASCADE");
            s.execute("DROP SCHEMA " + CONTROL + " CASCADE");
        }
    }

    private interface Rows {
        Object[][] of(int batch);
    }

    /** 5 ships x 20 channels x 10 readings 15 min apart (3 windows a ship); each batch starts an hour after the last, so half its windows were marked before. */
    private static Object[][] spread(int batch) {
        return rows(batch, 5, 20, 10, Duration.ofMinutes(15), Duration.ofHours(1));
    }

    /** One ship uploading 100 channels x 10 readings 1 s apart, the next batch 10 s later: the same window again and again. */
    private static Object[][] oneWindow(int batch) {
        return rows(batch, 1, 100, 10, Duration.ofSeconds(1), Duration.ofSeconds(10));
    }

    private static Object[][] rows(int batch, int ships, int channels, int times, Duration step, Duration batchStep) {
        int n = ships * channels * times;
        Integer[] ship = new Integer[n];
        Integer[] channel = new Integer[n];
        OffsetDateTime[] time = new OffsetDateTime[n];
        Double[] value = new Double[n];
        OffsetDateTime start = BASE.plus(batchStep.multipliedBy(batch));
        int i = 0;
        for (int s = 0; s < ships; s++) {
            for (int t = 0; t < times; t++) {
                for (int ch = 0; ch < channels; ch++) {
                    ship[i] = 1001 + s;
                    channel[i] = 101 + ch;
                    time[i] = start.plus(step.multipliedBy(t));
                    value[i] = (i * 7919 % 2000) / 3.0;
                    i++;
                }
            }
        }
        return new Object[][] {ship, channel, time, value};
    }

    private static void measure(Connection c, String name, int batches, Rows rows) throws SQLException {
        int warmup = Math.max(5, batches / 10);
        long[][] ns = new long[2][batches];
        try (PreparedStatement plain = c.prepareStatement("INSERT INTO " + PLAIN + INSERT_BATCH);
             PreparedStatement captured = c.prepareStatement("INSERT INTO " + CAPTURED + INSERT_BATCH)) {
            for (int b = -warmup; b < batches; b++) {
                Object[][] r = rows.of(b + warmup);
                // alternate which table goes first, so neither always meets the other's after-effects
                PreparedStatement[] order = b % 2 == 0 ? new PreparedStatement[] {plain, captured} : new PreparedStatement[] {captured, plain};
                for (PreparedStatement ps : order) {
                    bind(c, ps, r);
                    long t0 = System.nanoTime();
                    ps.executeUpdate();
                    long t = System.nanoTime() - t0;
                    if (b >= 0) {
                        ns[ps == plain ? 0 : 1][b] = t;
                    }
                }
            }
        }
        print(name, ns);
    }

    /** Single-row INSERTs, one statement and one commit each: the trigger's fixed cost per statement, unshared. */
    private static void measureSingles(Connection c, int singles) throws SQLException {
        int warmup = Math.max(50, singles / 10);
        long[][] ns = new long[2][singles];
        String one = " (ship_id, data_channel_id, created_time, value) VALUES (?, ?, ?, ?)";
        try (PreparedStatement plain = c.prepareStatement("INSERT INTO " + PLAIN + one);
             PreparedStatement captured = c.prepareStatement("INSERT INTO " + CAPTURED + one)) {
            for (int i = -warmup; i < singles; i++) {
                PreparedStatement[] order = i % 2 == 0 ? new PreparedStatement[] {plain, captured} : new PreparedStatement[] {captured, plain};
                for (PreparedStatement ps : order) {
                    ps.setInt(1, 2001 + Math.floorMod(i, 5));
                    ps.setInt(2, 101);
                    ps.setObject(3, BASE.plusSeconds(10L * (i + warmup)));
                    ps.setDouble(4, i);
                    long t0 = System.nanoTime();
                    ps.executeUpdate();
                    long t = System.nanoTime() - t0;
                    if (i >= 0) {
                        ns[ps == plain ? 0 : 1][i] = t;
                    }
                }
            }
        }
        print("single-row INSERT (autocommit)", ns);
    }

    /**
     * The same batches as the server times them ({@code EXPLAIN ANALYZE}: "Execution Time" of the
     * statement, triggers included, and the capture trigger's own "Trigger ...: time"), free of the
     * client's and the network's share, alternating the two tables as above.
     */
    private static void serverTime(Connection c, String name, int batches, Rows rows) throws SQLException {
        long[][] ns = new long[2][batches];
        long[] trigger = new long[batches];
        Pattern execution = Pattern.compile("Execution Time: ([0-9.]+) ms");
        Pattern time = Pattern.compile("Trigger tsmigrator_capture_insert: time=([0-9.]+)");
        try (PreparedStatement plain = c.prepareStatement("EXPLAIN (ANALYZE, COSTS OFF) INSERT INTO " + PLAIN + INSERT_BATCH);
             PreparedStatement captured = c.prepareStatement("EXPLAIN (ANALYZE, COSTS OFF) INSERT INTO " + CAPTURED + INSERT_BATCH)) {
            for (int b = 0; b < batches; b++) {
                Object[][] r = rows.of(b);
                PreparedStatement[] order = b % 2 == 0 ? new PreparedStatement[] {plain, captured} : new PreparedStatement[] {captured, plain};
                for (PreparedStatement ps : order) {
                    bind(c, ps, r);
                    try (var rs = ps.executeQuery()) {
                        while (rs.next()) {
                            Matcher e = execution.matcher(rs.getString(1));
                            if (e.find()) {
                                ns[ps == plain ? 0 : 1][b] = Math.round(Double.parseDouble(e.group(1)) * 1e6);
                            }
                            Matcher t = time.matcher(rs.getString(1));
                            if (t.find()) {
                                trigger[b] = Math.round(Double.parseDouble(t.group(1)) * 1e6);
                            }
                        }
                    }
                }
            }
        }
        print("server: " + name, ns);
        double[] t = stats(trigger);
        System.out.printf(Locale.ROOT, "%-52s %7.3f (%.3f-%.3f) p10 %.3f%n", "server: its capture trigger alone", t[0], t[1], t[2], t[3]);
    }

    private static void bind(Connection c, PreparedStatement ps, Object[][] r) throws SQLException {
        ps.setArray(1, c.createArrayOf("int4", r[0]));
        ps.setArray(2, c.createArrayOf("int4", r[1]));
        ps.setArray(3, c.createArrayOf("text", Arrays.stream(r[2]).map(Object::toString).toArray()));
        ps.setArray(4, c.createArrayOf("float8", r[3]));
    }

    private static void print(String name, long[][] ns) {
        double[] plain = stats(ns[0]);
        double[] captured = stats(ns[1]);
        System.out.printf(Locale.ROOT, "%-52s %7.3f (%.3f-%.3f) p10 %.3f   %7.3f (%.3f-%.3f) p10 %.3f   median %+.1f %% (%+.3f ms), p10 %+.1f %%%n",
                name, plain[0], plain[1], plain[2], plain[3], captured[0], captured[1], captured[2], captured[3],
                100 * (captured[0] - plain[0]) / plain[0], captured[0] - plain[0], 100 * (captured[3] - plain[3]) / plain[3]);
    }

    /** Median, min, max and 10th percentile in ms (the lower percentile is what a quiet machine shows). */
    private static double[] stats(long[] ns) {
        long[] sorted = ns.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
        return new double[] {median / 1e6, sorted[0] / 1e6, sorted[n - 1] / 1e6, sorted[n / 10] / 1e6};
    }

    private static String show(Statement s, String setting) throws SQLException {
        try (var rs = s.executeQuery("SHOW " + setting)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
