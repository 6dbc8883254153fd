package io.tsmigrator.plan;

import java.time.Instant;
import java.util.List;

/**
 * What this run migrates: the ships (configured or discovered) and the time range [from, to); an
 * open end is represented by far-away instants so that ledger queries stay uniform.
 */
public record RunScope(List<String> ships, Instant from, Instant to, boolean toIsOpen, boolean fromIsOpen) {

    public static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    public static final Instant LATEST = Instant.parse("9999-12-31T00:00:00Z");

    public static RunScope of(List<String> ships, Instant from, Instant to) {
        return new RunScope(List.copyOf(ships), from == null ? EARLIEST : from, to == null ? LATEST : to, to == null, from == null);
    }
}
