package io.tsmigrator.run;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
        ObjectNode json = JsonOutput.object();
        ArrayNode replayed = json.putArray("replayed");
        for (DeadLetter l : letters) {
            replayed.addObject().put("id", l.id()).put("ship", l.ship()).put("window", l.window())
                    .put("sqlState", l.sqlState()).put("outcome", l.replayOutcome());
        }
        json.put("importedWindows", windows.size()).put("unfinishedChunks", unfinished).put("failedChunks", failed);
        if (message != null) {
            json.put("message", message);
        }
        JsonOutput.print(out, json);
    }
}
