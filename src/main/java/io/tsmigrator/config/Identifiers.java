package io.tsmigrator.config;

import java.util.regex.Pattern;

/**
 * SQL identifiers that come from configuration. They are validated against a conservative pattern
 * and always quoted, so a setting can never inject SQL and mixed-case names keep their case.
 */
public final class Identifiers {

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]{0,62}");
    private static final Pattern QUALIFIED = Pattern.compile("([A-Za-z_][A-Za-z0-9_$]{0,62}\\.)?[A-Za-z_][A-Za-z0-9_$]{0,62}");

    private Identifiers() {
    }

    /** Validates a plain identifier (column, schema) taken from the setting {@code key}. */
    public static String name(String key, String value) {
        if (value == null || !NAME.matcher(value).matches()) {
            throw InvalidSettingException.of(key, value, "an SQL identifier (letters, digits, _ or $, starting with a letter or _, at most 63 characters)");
        }
        return value;
    }

    /** Validates a table name, optionally schema-qualified ({@code schema.table}). */
    public static String table(String key, String value) {
        if (value == null || !QUALIFIED.matcher(value).matches()) {
            throw InvalidSettingException.of(key, value, "a table name, optionally schema-qualified, e.g. tenant.tbl_data_timeseries");
        }
        return value;
    }

    public static boolean isValidName(String value) {
        return value != null && NAME.matcher(value).matches();
    }

    /** Quotes one identifier for PostgreSQL. */
    public static String quote(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    /** Quotes a possibly schema-qualified name part by part. */
    public static String quoteQualified(String qualified) {
        int dot = qualified.indexOf('.');
        return dot < 0 ? quote(qualified) : quote(qualified.substring(0, dot)) + "." + quote(qualified.substring(dot + 1));
    }

    public static String schemaOf(String qualified) {
        int dot = qualified.indexOf('.');
        return dot < 0 ? "public" : qualified.substring(0, dot);
    }

    public static String tableOf(String qualified) {
        int dot = qualified.indexOf('.');
        return dot < 0 ? qualified : qualified.substring(dot + 1);
    }
}
