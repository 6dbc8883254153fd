package io.tsmigrator.doctor;

import io.tsmigrator.config.Secrets;
import io.tsmigrator.migrate.ChunkProbe;
import io.tsmigrator.source.SourceTable;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * The chunk query examined on one real chunk: the plan PostgreSQL makes for it, and one read and
 * pivot of it, timed, through the same code a run uses (nothing is written).
 */
final class SampleChunk {

    /**
     * The most rows the doctor reads: enough to time the read steadily, few enough that the sample
     * itself stays far from any limit. A chunk with more is sampled on its first part.
     */
    static final long MAX_SAMPLE_ROWS = 250_000;

    /** Below this many rows a Seq Scan is as quick as any index, so the planner's preference for one says nothing. */
    static final long SMALL_TABLE_ROWS = 100_000;

    /** A timed read of {@code window}; {@code rowsPerChunk} scales it and the plan's estimate to a whole chunk. */
    record Measurement(SampleWindow window, ChunkProbe.Sample sample, double rowsPerChunk) {
    }

    private final ChunkProbe probe;
    private final SourceTable table;
    private final SourceIndexes indexes;

    SampleChunk(ChunkProbe probe, SourceTable table, SourceIndexes indexes) {
        this.probe = probe;
        this.table = table;
        this.indexes = indexes;
    }

    ChunkPlan explain(SampleWindow window) throws SQLException {
        return ChunkPlan.parse(probe.explain(window.ship(), window.start(), window.end()));
    }

    /** Whether an index serves the chunk query: a range scan of (ship, time), without a sort. */
    Finding planFinding(ChunkPlan plan, String shipColumn, String timeColumn, long tableRows) {
        String check = "chunk query plan";
        Optional<SourceIndexes.Index> suitable = indexes.leadingWith(shipColumn, timeColumn);
        String create = "CREATE INDEX ON " + table.table() + " (" + table.ship() + ", " + table.time() + ", " + table.channel() + ")";
        if (plan.scansTable() && !plan.sorts() && suitable.isPresent() && tableRows >= 0 && tableRows < SMALL_TABLE_ROWS) {
            return Finding.ok(check, plan.describe() + ", no sort", String.format(Locale.ROOT, "the table is small (~%,d rows), so the"
                    + " planner prefers a Seq Scan; %s, which leads with (%s, %s), serves the chunks of a larger one", tableRows,
                    suitable.get().name(), shipColumn, timeColumn));
        }
        if (plan.scansTable() || plan.sorts()) {
            String advice = suitable.isEmpty()
                    ? (plan.scansTable() ? "every chunk reads the whole table, and sends nothing until it reaches the ship's rows; " : "")
                    + (plan.sorts() ? "the rows are sorted before the first one is sent; " : "") + create
                    : "the planner does not use " + suitable.get().name() + ", which leads with (" + shipColumn + ", " + timeColumn
                    + "); are its statistics current? ANALYZE " + table.table();
            return Finding.warn(check, plan.describe(), advice);
        }
        if (suitable.isEmpty()) {
            return Finding.warn(check, plan.describe() + "; no index leads with (" + shipColumn + ", " + timeColumn + ")",
                    "each chunk reads more of the ship's rows than its window; " + create);
        }
        return Finding.ok(check, plan.describe() + ", no sort", "");
    }

    /** Reads the window (or its first part) as a run would, or explains why it could not. */
    Measurement measure(SampleWindow window, ChunkPlan plan, Duration chunkSize) throws SampleFailed {
        SampleWindow read = plan.rows() > MAX_SAMPLE_ROWS ? window.head((double) MAX_SAMPLE_ROWS / plan.rows()) : window;
        long started = System.nanoTime();
        ChunkProbe.Sample sample;
        try {
            sample = probe.read(read.ship(), read.start(), read.end());
        } catch (SQLException | RuntimeException e) {
            String state = e instanceof SQLException sql && sql.getSQLState() != null ? " (SQLState " + sql.getSQLState() + ")" : "";
            throw new SampleFailed(Finding.warn("sample chunk", read.describe() + ": failed after "
                            + Durations.human(Duration.ofNanos(System.nanoTime() - started)) + state,
                    Secrets.scrub(String.valueOf(e.getMessage())) + "; a run's chunks of this size would fail the same way"));
        }
        double perChunk = chunkSize.toNanos() / (double) Math.max(1, window.length().toNanos());
        double measuredPerChunk = sample.narrowRows() * chunkSize.toNanos() / (double) Math.max(1, read.length().toNanos());
        return new Measurement(read, sample, Math.max(plan.rows() * perChunk, measuredPerChunk));
    }

    Finding sampleFinding(Measurement m, ChunkPlan plan, SampleWindow window) {
        ChunkProbe.Sample s = m.sample();
        String value = String.format(Locale.ROOT, "%s: %,d narrow rows -> %,d wide rows read and pivoted in %s = %,d rows/s",
                m.window().describe(), s.narrowRows(), s.wideRows(), Durations.human(s.elapsed()), Math.round(s.rowsPerSecond()));
        String advice = (m.window().equals(window) ? "" : String.format(Locale.ROOT,
                "the first %s of the chunk, whose statistics promise %,d rows; ", Durations.human(m.window().length()), plan.rows()))
                + "read as a run reads, nothing written (data the server has to read from disk is slower than cached data)";
        if (s.narrowRows() == 0) {
            return Finding.warn("sample chunk", value, "its statistics promised " + plan.rows() + " rows; are they current? ANALYZE " + table.table());
        }
        return Finding.ok("sample chunk", value, advice);
    }

    /** The sample could not be read; the finding says why. */
    static final class SampleFailed extends Exception {

        private final Finding finding;

        SampleFailed(Finding finding) {
            super(finding.value());
            this.finding = finding;
        }

        Finding finding() {
            return finding;
        }
    }
}
