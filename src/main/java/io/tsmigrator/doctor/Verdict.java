package io.tsmigrator.doctor;

import java.util.Locale;

/** How a finding bears on a run: fine, worth a look, or something that breaks it. */
public enum Verdict {
    OK, WARN, FAIL;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
