package io.tsmigrator.doctor;

import java.time.Duration;

/** A time limit a chunk's work must stay under, e.g. {@code statement_timeout (ALTER DATABASE)} of 5 s. */
record Limit(String name, Duration value) {

    String describe() {
        return name + " " + Durations.human(value);
    }
}
