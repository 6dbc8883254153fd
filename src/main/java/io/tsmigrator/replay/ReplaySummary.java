package io.tsmigrator.replay;

import java.io.PrintStream;
import java.util.List;

/** What {@code replay} prints after the run's summary: each replayed dead letter with its outcome, and the imported windows. */
public final class ReplaySummary {

    private final PrintStream out;

    public ReplaySummary(PrintStream out) {
        this.out = out;
    }

    public void print(List<DeadLetter> letters, List<ImportedWindow> windows) {
        if (!letters.isEmpty()) {
            out.printf("%-8s %-20s %-54s %-7s %s%n", "replayed", "ship", "window", "failed", "outcome");
            for (DeadLetter l : letters) {
                out.printf("%-8d %-20s %-54s %-7s %s%n", l.id(), l.ship(), "[" + l.start() + ", " + l.end() + ")",
                        l.sqlState() == null ? "-" : l.sqlState(), l.replayOutcome());
            }
        }
        if (!windows.isEmpty()) {
            out.printf("%d imported windows queued (lines %d-%d of the file)%n", windows.size(), windows.get(0).line(),
                    windows.get(windows.size() - 1).line());
        }
    }
}
