package io.tsmigrator.observe;

import java.time.Duration;
import java.util.Locale;

/**
 * The one-line progress both the run's log and {@code report} print, e.g.
 * {@code chunks 412/1200 (34.3%), narrow rows 8123456, 41230 rows/s (last minute), 39870 rows/s (since start),
 * ETA 5m20s, retries 3, splits 1, open dead letters 0, lag 2h10m, changed windows waiting 2} (the last
 * only when the job captures changes). In follow mode, once nothing is
 * left to do, the lag is what counts and the ETA is left out.
 */
public final class ProgressLine {

    private ProgressLine() {
    }

    /** @param gate why claims are held back (paused, throttled), or null */
    public static String of(Progress p, String gate) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "chunks %d/%d (%.1f%%), narrow rows %d, %.0f rows/s (last minute), %.0f rows/s (since start), ",
                p.done(), p.chunks(), p.percent(), p.narrowRows(), p.rowsPerSecondLastMinute(), p.rowsPerSecondSinceStart()));
        if (!(p.caughtUp() && p.chunks() > 0)) {
            line.append("ETA ").append(p.eta() == null ? "unknown" : duration(p.eta())).append(", ");
        }
        line.append("retries ").append(p.retries()).append(", splits ").append(p.splits()).append(", open dead letters ")
                .append(p.openDeadLetters()).append(", lag ").append(p.lag() == null ? "unknown" : duration(p.lag()));
        if (p.changedWindows() != null) {
            line.append(", changed windows waiting ").append(p.changedWindowsWaiting());
        }
        if (gate != null) {
            line.append("; ").append(gate);
        }
        return line.toString();
    }

    /** 45s, 12m05s, 3h07m, 2d04h. */
    public static String duration(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        if (s < 86400) {
            return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
        }
        return String.format(Locale.ROOT, "%dd%02dh", s / 86400, (s % 86400) / 3600);
    }
}
