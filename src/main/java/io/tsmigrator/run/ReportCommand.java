package io.tsmigrator.run;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tsmigrator.config.Settings;
import io.tsmigrator.deadletter.DeadLetter;
import io.tsmigrator.ledger.ControlSchema;
import io.tsmigrator.control.WorkerRegistry;
import io.tsmigrator.observe.Progress;
import io.tsmigrator.observe.ProgressLine;
import io.tsmigrator.observe.ProgressQuery;
import io.tsmigrator.report.LedgerReport;

import java.io.PrintStream;
import java.sql.SQLException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

/** {@code report}: a job's progress, durations, retries, splits and failures, from the ledger; reads only. */
public final class ReportCommand {

    private final Environment env;
    private final PrintStream out;
    private final boolean json;

    public ReportCommand(Environment env, PrintStream out, boolean json) {
        this.env = env;
        this.out = out;
        this.json = json;
    }

    public int execute() throws SQLException {
        Settings settings = env.settings();
        LedgerReport.Report report = new LedgerReport(env.pools().control(), new ControlSchema(settings.controlSchema()))
                .read(settings.targetTable());
        if (report == null) {
            out.println("no ledger in schema " + settings.controlSchema() + " of the target database yet: nothing has run");
            return ExitCodes.OK;
        }
        // the same figures as the run's progress line
        Progress progress = new ProgressQuery(env.pools().control(), new ControlSchema(settings.controlSchema()), settings.targetTable(),
                settings.capturesChanges()).read();
        if (json) {
            printJson(report, progress);
        } else {
            out.println("progress: " + ProgressLine.of(progress, null));
            printTable(report);
            printWorkers(settings);
        }
        return ExitCodes.OK;
    }

    private void printTable(LedgerReport.Report r) {
        out.printf("job %s%n", r.job());
        out.printf("%-20s %7s %7s %7s %8s %8s %7s %8s %9s %14s %12s%n", "ship", "chunks", "done", "failed", "pending", "running",
                "splits", "retries", "progress", "narrow rows", "wide rows");
        for (LedgerReport.ShipStatus s : r.ships()) {
            out.printf(Locale.ROOT, "%-20s %7d %7d %7d %8d %8d %7d %8d %8.1f%% %14d %12d%n", s.ship(), s.chunks(), s.done(), s.failed(),
                    s.pending(), s.running(), s.splits(), s.retries(), s.progress(), s.narrowRows(), s.wideRows());
        }
        long skipped = r.ships().stream().mapToLong(LedgerReport.ShipStatus::skippedRows).sum();
        if (skipped > 0) {
            out.printf(Locale.ROOT, "readings skipped (channels the mapping does not name, %s=skip): %d (%s)%n", Settings.CHANNELS_UNMAPPED, skipped,
                    String.join(", ", r.ships().stream().filter(s -> s.skippedRows() > 0).map(s -> "ship " + s.ship() + ": " + s.skippedRows()).toList()));
        }
        LedgerReport.Durations d = r.durations();
        out.printf(Locale.ROOT, "chunk duration (%d done): min %d ms, median %.0f ms, mean %.0f ms, max %d ms%n",
                d.done(), d.minMillis(), d.medianMillis(), d.meanMillis(), d.maxMillis());
        StringBuilder replayed = new StringBuilder();
        r.replayOutcomes().forEach((outcome, n) -> replayed.append(replayed.length() == 0 ? "; replayed: " : ", ").append(n).append(' ').append(outcome));
        out.printf("dead letters: %d open, %d in all%s%n", r.openDeadLetters(), r.deadLetters(), replayed);
        if (!r.latestDeadLetters().isEmpty()) {
            out.printf("  %-6s %-20s %-54s %-6s %-21s %s%n", "id", "ship", "window", "state", "failed at", "replay");
            for (DeadLetter l : r.latestDeadLetters()) {
                out.printf("  %-6d %-20s %-54s %-6s %-21s %s%n", l.id(), l.ship(), l.window(), sqlState(l), failedAt(l),
                        l.replayOutcome() == null ? "open" : l.replayOutcome());
            }
        }
        if (r.failures().isEmpty()) {
            out.println("failed attempts: none");
        } else {
            out.println("failed attempts by SQLState:");
            for (LedgerReport.FailureGroup f : r.failures()) {
                out.printf("  %-6s %-9s %6d  %s%n", f.sqlState(), f.kind(), f.count(), f.error());
            }
        }
        r.cutoff().ifPresent(c -> out.println("fixed cutoff: " + c.describe()));
    }

    /** The processes that worked on the job in the last day (the worker registry). */
    private void printWorkers(Settings settings) {
        List<WorkerRegistry.Worker> workers;
        try {
            workers = new WorkerRegistry(env.pools().control(), new ControlSchema(settings.controlSchema()), settings.targetTable(), "",
                    settings.lease(), () -> 0).list();
        } catch (SQLException e) {
            // a ledger written before the registry existed
            return;
        }
        out.println(workers.isEmpty() ? "workers: none seen in the last day" : "workers:");
        for (WorkerRegistry.Worker w : workers) {
            out.printf(Locale.ROOT, "  %-40s %-20s %-9s last seen %s, %d chunks in hand, %.0f rows/s%n", w.id(), w.host(),
                    w.alive() ? "alive" : "not alive", w.lastSeen().truncatedTo(ChronoUnit.SECONDS), w.chunksInHand(), w.rowsPerSecond());
        }
    }

    private static String sqlState(DeadLetter l) {
        return l.sqlState() == null ? "-" : l.sqlState();
    }

    private static String failedAt(DeadLetter l) {
        return l.failedAt().truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private void printJson(LedgerReport.Report r, Progress p) {
        ObjectNode json = JsonOutput.object().put("job", r.job());
        // the progress line's figures
        ObjectNode progress = json.putObject("progress").put("chunksDone", p.done()).put("chunks", p.chunks()).put("narrowRows", p.narrowRows())
                .put("rowsPerSecondLastMinute", JsonOutput.fixed(p.rowsPerSecondLastMinute(), 1))
                .put("rowsPerSecondSinceStart", JsonOutput.fixed(p.rowsPerSecondSinceStart(), 1));
        if (p.eta() == null) {
            progress.putNull("eta");
        } else {
            progress.put("eta", p.eta().toSeconds());
        }
        progress.put("retries", p.retries()).put("splits", p.splits()).put("openDeadLetters", p.openDeadLetters());
        if (p.lag() == null) {
            progress.putNull("lag");
        } else {
            progress.put("lag", p.lag().toSeconds());
        }
        ArrayNode ships = json.putArray("ships");
        for (LedgerReport.ShipStatus s : r.ships()) {
            ships.addObject().put("ship", s.ship()).put("chunks", s.chunks()).put("done", s.done()).put("failed", s.failed())
                    .put("pending", s.pending()).put("running", s.running()).put("splits", s.splits()).put("retries", s.retries())
                    .put("progress", JsonOutput.fixed(s.progress(), 1)).put("narrowRows", s.narrowRows()).put("wideRows", s.wideRows())
                    .put("skippedRows", s.skippedRows());
        }
        LedgerReport.Durations d = r.durations();
        json.putObject("durationsMs").put("done", d.done()).put("min", d.minMillis()).put("median", JsonOutput.fixed(d.medianMillis(), 1))
                .put("mean", JsonOutput.fixed(d.meanMillis(), 1)).put("max", d.maxMillis());
        ObjectNode deadLetters = json.putObject("deadLetters").put("open", r.openDeadLetters()).put("all", r.deadLetters());
        ObjectNode replayed = deadLetters.putObject("replayed");
        r.replayOutcomes().forEach(replayed::put);
        ArrayNode latest = deadLetters.putArray("latest");
        for (DeadLetter l : r.latestDeadLetters()) {
            latest.addObject().put("id", l.id()).put("ship", l.ship()).put("window", l.window()).put("sqlState", sqlState(l))
                    .put("failedAt", failedAt(l)).put("replay", l.replayOutcome());
        }
        ArrayNode failures = json.putArray("failures");
        for (LedgerReport.FailureGroup f : r.failures()) {
            failures.addObject().put("sqlState", f.sqlState()).put("kind", f.kind()).put("count", f.count()).put("error", f.error());
        }
        r.cutoff().ifPresentOrElse(c -> json.putObject("fixedCutoff").put("count", c.count()).put("total", c.total())
                .put("seconds", JsonOutput.fixed(c.seconds(), 2)), () -> json.putNull("fixedCutoff"));
        JsonOutput.print(out, json);
    }

}
