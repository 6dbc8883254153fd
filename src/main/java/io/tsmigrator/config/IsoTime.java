package io.tsmigrator.config;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * Reads the times users write: ISO-8601 with an offset, or without one (taken as UTC, like the
 * migrator's sessions), with a space instead of the {@code T} (what Python's {@code str(datetime)}
 * prints), or a bare date (its midnight UTC).
 */
public final class IsoTime {

    public static final String EXPECTED = "an ISO-8601 time such as 2024-01-31T00:00:00Z (UTC when no offset is given)";

    private IsoTime() {
    }

    /** @throws DateTimeParseException when the text is none of the accepted forms */
    public static Instant parse(String text) {
        String v = text.trim();
        if (v.length() > 10 && v.charAt(10) == ' ') {
            v = v.substring(0, 10) + 'T' + v.substring(11);
        }
        try {
            return OffsetDateTime.parse(v).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return LocalDateTime.parse(v).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e2) {
                return LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
        }
    }
}
