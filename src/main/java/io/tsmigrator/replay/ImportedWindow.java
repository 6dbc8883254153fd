package io.tsmigrator.replay;

import java.time.Instant;

/** One line of an imported window list: a ship's window [start, end) to migrate again. */
public record ImportedWindow(String ship, Instant start, Instant end, int line) {

    public String describe() {
        return "ship " + ship + " [" + start + ", " + end + ")";
    }
}
