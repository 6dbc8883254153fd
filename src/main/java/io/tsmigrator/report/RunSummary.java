package io.tsmigrator.report;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/** The table {@code run} prints on standard output when it ends: one completion line per ship. */
public final class RunSummary {

    private final PrintStream out;

    public RunSummary(PrintStream out) {
        this.out = out;
    }

    public void print(List<ShipCompletions.Completion> completions, long unfinished, long failed, String deadLetterTable) {
        out.printf("%-20s %8s %14s %12s %12s%n", "ship", "chunks", "narrow rows", "wide rows", "duration");
        long narrow = 0;
        long wide = 0;
        for (ShipCompletions.Completion c : completions) {
            Duration d = c.startedAt() == null ? Duration.ZERO : Duration.between(c.startedAt(), c.completedAt());
            out.printf("%-20s %8d %14d %12d %12s%n", c.ship(), c.chunks(), c.sourceRows(), c.wideRows(), format(d));
            narrow += c.sourceRows();
            wide += c.wideRows();
        }
        out.printf("%d ships complete: %d narrow rows -> %d wide rows%n", completions.size(), narrow, wide);
        if (failed > 0) {
            out.printf("%d chunks failed and are in %s%n", failed, deadLetterTable);
        }
        if (unfinished > 0) {
            out.printf("%d chunks are not done yet; run again to resume%n", unfinished);
        }
    }

    private static String format(Duration d) {
        return String.format("%d.%03d s", d.toSeconds(), d.toMillisPart());
    }
}
