package io.tsmigrator.capture;

import io.tsmigrator.config.Settings;

/**
 * Change capture cannot be installed on this source (a TimescaleDB hypertable rejects transition
 * tables; a managed service or a missing TRIGGER privilege forbids triggers; the table stayed
 * locked). The message is one line naming {@code migrator.follow.capture} and the fallback.
 */
public class CaptureUnavailableException extends RuntimeException {

    static final String FALLBACK = "set " + Settings.FOLLOW_CAPTURE + "=none to migrate without it"
            + " (changed windows are then found only by verify --requeue)";

    CaptureUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    static CaptureUnavailableException of(String source, String reason, Throwable cause) {
        return new CaptureUnavailableException(Settings.FOLLOW_CAPTURE + "=trigger: cannot install change capture on " + source
                + ": " + oneLine(reason) + "; " + FALLBACK, cause);
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("\\s*\\R\\s*", " ").trim();
    }
}
