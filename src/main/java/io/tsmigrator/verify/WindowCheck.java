package io.tsmigrator.verify;

import java.util.ArrayList;
import java.util.List;

/** One window compared: the source's digest against the wide table's. */
public record WindowCheck(LedgerWindow window, Checksum source, Checksum wide) {

    public boolean matches() {
        return source.sameAs(wide);
    }

    /** What differs: {@code rows} and/or {@code cells} when their counts do, else {@code values}; empty when equal. */
    public String differs() {
        List<String> what = new ArrayList<>();
        if (source.rows() != wide.rows()) {
            what.add("rows");
        }
        if (source.cells() != wide.cells()) {
            what.add("cells");
        }
        if (what.isEmpty() && !matches()) {
            what.add("values");
        }
        return String.join(",", what);
    }
}
