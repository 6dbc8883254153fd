package io.tsmigrator.config;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Keeps passwords out of everything that leaves the process: log lines, dead letters, reports and
 * exception messages all pass through {@link #scrub}.
 */
public final class Secrets {

    private static final Pattern URL_PASSWORD = Pattern.compile("(?i)(password=)[^&;\\s]*");
    private static volatile List<String> known = List.of();

    private Secrets() {
    }

    /** Registers the passwords of this process. */
    public static void register(List<String> secrets) {
        known = List.copyOf(secrets);
    }

    public static String scrub(String text) {
        if (text == null) {
            return null;
        }
        String result = redactUrl(text);
        for (String secret : known) {
            if (secret.length() >= 1) {
                result = result.replace(secret, "*****");
            }
        }
        return result;
    }

    /** Removes a {@code password=} parameter from a JDBC URL. */
    public static String redactUrl(String url) {
        return url == null ? null : URL_PASSWORD.matcher(url).replaceAll("$1*****");
    }
}
