package io.tsmigrator.doctor;

import java.util.List;

/** Counts and short lists in findings. */
final class Text {

    private static final int SHOWN = 5;

    private Text() {
    }

    /** "1 channel", "3 channels". */
    static String count(int n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }

    /** The first few items, and how many more there are. */
    static String first(List<String> items) {
        int shown = Math.min(items.size(), SHOWN);
        return String.join(", ", items.subList(0, shown)) + (items.size() > shown ? " and " + (items.size() - shown) + " more" : "");
    }
}
