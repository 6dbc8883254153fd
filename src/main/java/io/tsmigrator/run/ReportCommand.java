package io.tsmigrator.run;

import io.tsmigrator.ExitCodes;
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
        Progress progress = new ProgressQuery(env.pools().control(), new ControlSchema(settings.controlSchema()), settings.targetTable()).read();
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
        StringBuilder sb = new StringBuilder("{\"job\":").append(Json.quote(r.job()));
        sb.append(String.format(Locale.ROOT, ",\"progress\":{\"chunksDone\":%d,\"chunks\":%d,\"narrowRows\":%d,\"rowsPerSecondLastMinute\":%.1f,"
                        + "\"rowsPerSecondSinceStart\":%.1f,\"eta\":%s,\"retries\":%d,\"splits\":%d,\"openDeadLetters\":%d,\"lag\":%s}",
                p.done(), p.chunks(), p.narrowRows(), p.rowsPerSecondLastMinute(), p.rowsPerSecondSinceStart(),
                p.eta() == null ? "null" : String.valueOf(p.eta().toSeconds()), p.retries(), p.splits(), p.openDeadLetters(),
                p.lag() == null ? "null" : String.valueOf(p.lag().toSeconds())));
        sb.append(",\"ships\":[");
        for (int i = 0; i < r.ships().size(); i++) {
            LedgerReport.ShipStatus s = r.ships().get(i);
            sb.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT,
                    "{\"ship\":%s,\"chunks\":%d,\"done\":%d,\"failed\":%d,\"pending\":%d,\"running\":%d,\"splits\":%d,\"retries\":%d,"
                            + "\"progress\":%.1f,\"narrowRows\":%d,\"wideRows\":%d}", Json.quote(s.ship()), s.chunks(), s.done(), s.failed(),
                    s.pending(), s.running(), s.splits(), s.retries(), s.progress(), s.narrowRows(), s.wideRows()));
        }
        LedgerReport.Durations d = r.durations();
        sb.append(String.format(Locale.ROOT, "],\"durationsMs\":{\"done\":%d,\"min\":%d,\"median\":%.1f,\"mean\":%.1f,\"max\":%d}",
                d.done(), d.minMillis(), d.medianMillis(), d.meanMillis(), d.maxMillis()));
        sb.append(",\"deadLetters\":{\"open\":").append(r.openDeadLetters()).append(",\"all\":").append(r.deadLetters()).append(",\"replayed\":{");
        String[] separator = {""};
        r.replayOutcomes().forEach((outcome, n) -> {
            sb.append(separator[0]).append(Json.quote(outcome)).append(':').append(n);
            separator[0] = ",";
        });
        sb.append("},\"latest\":[");
        for (int i = 0; i < r.latestDeadLetters().size(); i++) {
            DeadLetter l = r.latestDeadLetters().get(i);
            sb.append(i == 0 ? "" : ",").append("{\"id\":").append(l.id()).append(",\"ship\":").append(Json.quote(l.ship()))
                    .append(",\"window\":").append(Json.quote(l.window())).append(",\"sqlState\":").append(Json.quote(sqlState(l)))
                    .append(",\"failedAt\":").append(Json.quote(failedAt(l))).append(",\"replay\":")
                    .append(l.replayOutcome() == null ? "null" : Json.quote(l.replayOutcome())).append('}');
        }
        sb.append("]}");
        sb.append(",\"failures\":[");
        for (int i = 0; i < r.failures().size(); i++) {
            LedgerReport.FailureGroup f = r.failures().get(i);
            sb.append(i == 0 ? "" : ",").append("{\"sqlState\":").append(Json.quote(f.sqlState())).append(",\"kind\":").append(Json.quote(f.kind()))
                    .append(",\"count\":").append(f.count()).append(",\"error\":").append(Json.quote(f.error())).append('}');
        }
        sb.append("],\"fixedCutoff\":").append(r.cutoff().map(c -> String.format(Locale.ROOT,
                "{\"count\":%d,\"total\":%d,\"seconds\":%.2f}", c.count(), c.total(), c.seconds())).orElse("null")).append('}');
        out.println(sb);
    }

}
