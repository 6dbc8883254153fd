package io.tsmigrator.doctor;

import java.time.Duration;
import java.util.Locale;

/** Durations as people read them in a report: {@code 250 ms}, {@code 1.25 s}, {@code 15 min}, {@code 2 h}. */
public final class Durations {

    private Durations() {
    }

    public static String human(Duration d) {
        long ms = d.toMillis();
        if (ms == 0) {
            return "0";
        }
        if (ms < 1000) {
            return ms + " ms";
        }
        if (ms < 120_000) {
            return trim(ms / 1000.0) + " s";
        }
        if (ms < 7_200_000) {
            return trim(ms / 60_000.0) + " min";
        }
        return trim(ms / 3_600_000.0) + " h";
    }

    public static String seconds(Duration d) {
        return trim(d.toNanos() / 1e9);
    }

    private static String trim(double v) {
        String s = String.format(Locale.ROOT, "%.2f", v);
        return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }
}
