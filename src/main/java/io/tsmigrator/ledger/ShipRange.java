package io.tsmigrator.ledger;

import java.time.Instant;

/** A ship's half-open time range [start, end): what a planning step probes, or what no chunk covers yet. */
public record ShipRange(String ship, Instant start, Instant end) {
}
