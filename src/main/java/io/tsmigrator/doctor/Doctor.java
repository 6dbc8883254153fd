package io.tsmigrator.doctor;

import io.tsmigrator.config.Identifiers;
import io.tsmigrator.config.InvalidSettingException;
import io.tsmigrator.config.Secrets;
import io.tsmigrator.config.Settings;
import io.tsmigrator.failure.ChunkTimeLimits;
import io.tsmigrator.db.ConnectionBudget;
import io.tsmigrator.db.Pools;
import io.tsmigrator.db.Transactions;
import io.tsmigrator.migrate.ChannelFilter;
import io.tsmigrator.migrate.ChunkProbe;
import io.tsmigrator.plan.PlanPreview;
import io.tsmigrator.plan.RunScope;
import io.tsmigrator.source.Discovery;
import io.tsmigrator.source.SourceTable;
import io.tsmigrator.migrate.ChannelColumns;
import io.tsmigrator.wide.ChannelMapping;
import io.tsmigrator.wide.ColumnForecast;
import io.tsmigrator.wide.ColumnLimitException;
import io.tsmigrator.wide.WideTable;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The {@code doctor} preflight: examines the databases, the settings and one real chunk the way a
 * run would meet them, and recommends a chunk size. It only reads: nothing is created or written.
 * Settings a user got wrong (an unknown ship) still end the command with one line, as for every
 * command; what the doctor finds about the databases becomes findings.
 */
public final class Doctor {

    private final Settings settings;
    private final Pools pools;
    private final List<ConnectionBudget> budgets;
    private final boolean sameDatabase;
    private final Supplier<Connection> plainSource;
    private final Supplier<Connection> plainTarget;

    /**
     * @param plainSource sessions outside the pools (see {@link ServerSettings} for why)
     */
    public Doctor(Settings settings, Pools pools, List<ConnectionBudget> budgets, boolean sameDatabase,
                  Supplier<Connection> plainSource, Supplier<Connection> plainTarget) {
        this.settings = settings;
        this.pools = pools;
        this.budgets = budgets;
        this.sameDatabase = sameDatabase;
        this.plainSource = plainSource;
        this.plainTarget = plainTarget;
    }

    public Diagnosis examine() throws SQLException {
        List<Finding> findings = new ArrayList<>();
        List<Server> servers = servers();
        ChunkTimeLimits limits = ChunkLimits.of(settings, servers);
        findings.addAll(connectionsAndLimits(servers, ChunkSizeAdvisor.target(limits)));

        SourceTable table;
        try {
            table = SourceTable.inspect(pools.read(), settings);
        } catch (InvalidSettingException e) {
            findings.add(Finding.fail("source table", settings.sourceTable(), e.getMessage()));
            return new Diagnosis(findings, null);
        }
        long tableRows = estimatedRows(table);
        findings.add(sourceTable(table, tableRows));
        findings.add(new CaptureChecks(settings, pools.read(), table).check());
        Discovery discovery = new Discovery(pools.read(), table);
        RunScope scope = RunScope.of(RunScope.ships(settings, discovery), settings.from(), settings.to());
        List<PlanPreview.ShipPlan> plans = new PlanPreview(pools.read(), table, discovery).preview(scope, settings.chunkSize());
        findings.add(ships(plans));
        findings.add(new OutlierReadings(pools.read(), table).check(plans));
        Optional<SampleWindow> window = SampleWindow.choose(plans, settings.chunkSize());
        SourceIndexes indexes = SourceIndexes.of(pools.read(), table.table());
        ChannelMapping mapping = ChannelMapping.from(settings);
        Channels channels = channels(table, discovery, mapping, scope.ships(), window, findings);

        Diagnosis.Advice advice = null;
        if (window.isPresent()) {
            SampleChunk sample = new SampleChunk(new ChunkProbe(pools.read(), table, channels.ids(),
                    ChannelFilter.listed(settings, channels.ids())),
                    table, indexes);
            advice = sample(sample, window.get(), tableRows, limits, findings);
        }
        findings.addAll(target(table, channels, mapping));
        findings.add(columnLimit(table, discovery, mapping, scope.ships()));
        return new Diagnosis(findings, advice);
    }

    /** The 1,600-column limit, as a run checks it before writing anything. */
    private Finding columnLimit(SourceTable table, Discovery discovery, ChannelMapping mapping, List<String> ships) throws SQLException {
        WideTable wide = WideTable.of(settings);
        WideTable.Shape shape = wide.shape(pools.control());
        List<String> listed = RunScope.listedChannels(settings, table);
        List<String> start = ChannelColumns.startColumns(settings, mapping, listed);
        ColumnForecast forecast = ColumnForecast.of(discovery, ships, mapping, listed, settings.channelsMapping() != null);
        try {
            forecast.check(wide, shape, start);
        } catch (ColumnLimitException e) {
            return Finding.fail("column limit", "more than " + ColumnLimitException.MAX_COLUMNS + " columns", e.getMessage());
        }
        if (forecast.how() == null) {
            return Finding.ok("column limit", "not counted: the source has no index to count its channel ids with",
                    "each chunk checks the limit as it adds columns");
        }
        java.util.Set<String> all = new java.util.LinkedHashSet<>(start);
        all.addAll(forecast.columns());
        all.addAll(shape.valueColumns(wide));
        long columns = Math.max(all.size(), forecast.unnamed()) + 2;
        return Finding.ok("column limit", String.format(Locale.ROOT, "about %,d of PostgreSQL's %,d columns (%s)", columns,
                ColumnLimitException.MAX_COLUMNS, forecast.how()), "");
    }

    private List<Finding> target(SourceTable table, Channels channels, ChannelMapping mapping) throws SQLException {
        WideColumns wide = WideColumns.read(pools.control(), Identifiers.quoteQualified(settings.targetTable()));
        ChannelChecks channelChecks = new ChannelChecks(settings, table);
        ChannelChecks.Names names = channelChecks.names(channels.byShip(), mapping);
        List<Finding> findings = new ArrayList<>(new WideTableChecks(pools.control(), settings, table).check(wide, names.columnOf().values()));
        findings.add(channelChecks.columns(names, channels.origin(), wide));
        if (settings.channelsMapping() != null) {
            findings.add(channelChecks.mapping(mapping, channels.ids(), wide));
        }
        return findings;
    }

    /**
     * The run's channels and how they were found.
     *
     * @param byShip each ship's channel ids, or under the key "" those of every ship
     */
    private record Channels(List<String> ids, String origin, Map<String, List<String>> byShip) {

        static Channels everyShip(List<String> ids, String origin) {
            return new Channels(ids, origin, Map.of("", ids));
        }
    }

    private List<Finding> connectionsAndLimits(List<Server> servers, ChunkSizeAdvisor.Target target) {
        List<Finding> findings = new ArrayList<>();
        for (Server server : servers) {
            ServerSettings s = server.settings();
            findings.add(Finding.ok(server.role(), "PostgreSQL " + s.version() + ", database " + s.database() + " as " + s.user() + " ("
                    + Secrets.redactUrl(server.role().equals("target") ? settings.targetUrl() : settings.sourceUrl()) + ")", ""));
        }
        PoolChecks poolChecks = new PoolChecks(settings);
        findings.addAll(poolChecks.connections(budgets));
        ServerChecks serverChecks = new ServerChecks(target);
        for (Server server : servers) {
            findings.addAll(serverChecks.check(server));
        }
        findings.addAll(poolChecks.timeouts());
        return findings;
    }

    /**
     * The channels a run would meet, found by index probes where an index allows: each ship's over
     * (ship, channel), or every id over an index leading with the channel. Without either, those of
     * the sample chunk (a range of the (ship, time) index): a run needs none of them, its chunks add
     * the columns of the channels they meet.
     */
    private Channels channels(SourceTable table, Discovery discovery, ChannelMapping mapping, List<String> ships,
                              Optional<SampleWindow> window, List<Finding> findings) throws SQLException {
        List<String> listed = RunScope.listedChannels(settings, table);
        if (!listed.isEmpty()) {
            return Channels.everyShip(listed, Settings.CHANNELS);
        }
        if (discovery.canListChannelsPerShip()) {
            Map<String, List<String>> byShip = new LinkedHashMap<>();
            for (String ship : ships) {
                byShip.put(ship, discovery.channelsOf(ship));
            }
            findings.add(ChannelChecks.fleet(byShip, mapping));
            java.util.Set<String> ids = new java.util.TreeSet<>();
            byShip.values().forEach(ids::addAll);
            return new Channels(List.copyOf(ids), "each ship's, by index probes", byShip);
        }
        String perShipIndex = "CREATE INDEX ON " + table.table() + " (" + table.ship() + ", " + table.channel() + ")";
        if (discovery.canListChannels()) {
            findings.add(Finding.ok("channel ids", "an index leads with " + settings.channelColumn() + ": counted with one index probe per id",
                    "to see each ship's channels (doctor --mapping-template): " + perShipIndex));
            return Channels.everyShip(discovery.channels(), "by index probes");
        }
        findings.add(Finding.warn("channel ids", "no index leads with (" + settings.shipColumn() + ", " + settings.channelColumn() + ") or with "
                        + settings.channelColumn() + ": the channels were not counted",
                "a run needs none (its chunks add the columns of the channels they meet) but checks the column limit only then;"
                        + " to count them before, and for doctor --mapping-template: " + perShipIndex));
        return Channels.everyShip(window.isEmpty() ? List.of()
                        : discovery.channelsIn(window.get().ship(), window.get().start(), window.get().end()),
                "those of the sample chunk; the source was not searched");
    }

    /** The chunk query's plan, the timed sample and the chunk size; returns the advice, or null when nothing could be timed. */
    private Diagnosis.Advice sample(SampleChunk sample, SampleWindow window, long tableRows, ChunkTimeLimits limits, List<Finding> findings)
            throws SQLException {
        ChunkPlan plan = sample.explain(window);
        Finding planFinding = sample.planFinding(plan, settings.shipColumn(), settings.timeColumn(), tableRows);
        findings.add(planFinding);
        SampleChunk.Measurement m;
        try {
            m = sample.measure(window, plan, settings.chunkSize());
        } catch (SampleChunk.SampleFailed e) {
            findings.add(e.finding());
            return null;
        }
        findings.add(sample.sampleFinding(m, plan, window));
        if (m.sample().narrowRows() == 0) {
            return null;
        }
        ChunkSizeAdvisor.Recommendation r = ChunkSizeAdvisor.advise(m.rowsPerChunk(), settings.chunkSize(), m.sample().rowsPerSecond(),
                limits, Settings.MIN_CHUNK_SIZE);
        Finding size = ChunkSizeAdvisor.finding(r);
        if (planFinding.verdict() != Verdict.OK && plan.scansTable()) {
            // the estimate scales with the chunk's rows, but a Seq Scan costs the whole table whatever the window
            size = new Finding(size.check(), size.verdict(), size.value(), size.advice() + "; but with a Seq Scan every chunk reads"
                    + " the whole table, so no chunk size makes chunks quick: add the index first");
        }
        findings.add(size);
        return advice(r, m);
    }

    private List<Server> servers() throws SQLException {
        List<Server> servers = new ArrayList<>();
        try (Connection c = plainSource.get()) {
            servers.add(new Server(sameDatabase ? "source and target" : "source", sameDatabase ? "" : " (source)", ServerSettings.read(c)));
        }
        if (!sameDatabase) {
            try (Connection c = plainTarget.get()) {
                servers.add(new Server("target", " (target)", ServerSettings.read(c)));
            }
        }
        return servers;
    }

    private Finding sourceTable(SourceTable table, long rows) {
        String value = settings.sourceTable() + ": " + settings.shipColumn() + " " + table.shipType().name() + ", " + settings.channelColumn()
                + " " + table.channelType().name() + ", " + settings.timeColumn() + " " + table.timeType().name() + ", "
                + settings.valueColumn() + " " + table.valueType().name();
        if (rows < 0) {
            return Finding.warn("source table", value + "; never analyzed",
                    "the planner's estimates below (rows per chunk, the plan) are guesses; ANALYZE " + table.table());
        }
        return Finding.ok("source table", String.format(Locale.ROOT, "%s; ~%,d rows", value, rows), "");
    }

    /** The planner's row count of the table; -1 when it was never analyzed (or vacuumed). */
    private long estimatedRows(SourceTable table) throws SQLException {
        try (Connection c = Transactions.forReads(pools.read());
             PreparedStatement ps = c.prepareStatement("SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(?)")) {
            ps.setString(1, table.table());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long rows = rs.getLong(1);
                return rows;
            }
        }
    }

    private Finding ships(List<PlanPreview.ShipPlan> plans) {
        long withReadings = plans.stream().filter(p -> p.first() != null).count();
        long chunks = plans.stream().mapToLong(PlanPreview.ShipPlan::chunks).sum();
        long rows = plans.stream().mapToLong(PlanPreview.ShipPlan::estimatedRows).sum();
        String value = String.format(Locale.ROOT, "%d ships, %d with readings in scope: %d chunks of %s, ~%,d narrow rows",
                plans.size(), withReadings, chunks, settings.chunkSize(), rows);
        if (withReadings == 0) {
            return Finding.warn("ships", value, "nothing to migrate, and no chunk to sample; check " + Settings.FROM + " and " + Settings.TO);
        }
        return Finding.ok("ships", value, "");
    }

    private static Diagnosis.Advice advice(ChunkSizeAdvisor.Recommendation r, SampleChunk.Measurement m) {
        ChunkTimeLimits.Limit limit = r.target().smallest();
        return new Diagnosis.Advice(r.chunkSize().toString(), seconds(r.estimate()), seconds(r.target().duration()), r.target().reason(),
                limit == null ? null : limit.name(), limit == null ? 0 : seconds(limit.value()), r.configured().toString(),
                seconds(r.configuredEstimate()), Math.round(r.rowsPerChunk()), m.window().ship(), m.window().start().toString(),
                m.window().end().toString(), m.sample().narrowRows(), seconds(m.sample().elapsed()), Math.round(r.rowsPerSecond()));
    }

    private static double seconds(java.time.Duration d) {
        return d.toNanos() / 1e9;
    }
}
