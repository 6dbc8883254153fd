package io.tsmigrator.run;

import io.tsmigrator.deadletter.DeadLetter;
import io.tsmigrator.replay.ImportedWindow;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * What {@code replay} prints after the run's summary: each replayed dead letter with its outcome,
 * and the imported windows; with {@code --json}, one JSON object instead of both.
 */
final class ReplaySummary {

    private final PrintStream out;
    private final boolean json;

    ReplaySummary(PrintStream out, boolean json) {
        this.out = out;
        this.json = json;
    }

    void nothingToReplay(String filters) {
        String message = "nothing to replay: no open dead letter matches " + filters;
        if (json) {
            print(List.of(), List.of(), 0, 0, message);
        } else {
            out.println(message);
        }
    }

    void print(List<DeadLetter> letters, List<ImportedWindow> windows, long unfinished, long failed) {
        if (json) {
            print(letters, windows, unfinished, failed, null);
            return;
        }
        if (!letters.isEmpty()) {
            out.printf("%-8s %-20s %-54s %-7s %s%n", "replayed", "ship", "window", "failed", "outcome");
            for (DeadLetter l : letters) {
                out.printf("%-8d %-20s %-54s %-7s %s%n", l.id(), l.ship(), l.window(), l.sqlState() == null ? "-" : l.sqlState(), l.replayOutcome());
            }
        }
        if (!windows.isEmpty()) {
            out.printf("%d imported windows queued (lines %d-%d of the file)%n", windows.size(), windows.get(0).line(),
                    windows.get(windows.size() - 1).line());
        }
    }

    private void print(List<DeadLetter> letters, List<ImportedWindow> windows, long unfinished, long failed, String message) {
        StringBuilder sb = new StringBuilder("{\"replayed\":[");
        for (int i = 0; i < letters.size(); i++) {
            DeadLetter l = letters.get(i);
            sb.append(i == 0 ? "" : ",").append("{\"id\":").append(l.id()).append(",\"ship\":").append(Json.quote(l.ship()))
                    .append(",\"window\":").append(Json.quote(l.window())).append(",\"sqlState\":")
                    .append(l.sqlState() == null ? "null" : Json.quote(l.sqlState())).append(",\"outcome\":").append(Json.quote(l.replayOutcome())).append('}');
        }
        sb.append(String.format(Locale.ROOT, "],\"importedWindows\":%d,\"unfinishedChunks\":%d,\"failedChunks\":%d", windows.size(), unfinished, failed));
        if (message != null) {
            sb.append(",\"message\":").append(Json.quote(message));
        }
        out.println(sb.append('}'));
    }
}
