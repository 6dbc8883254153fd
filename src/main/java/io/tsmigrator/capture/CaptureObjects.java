package io.tsmigrator.capture;

import io.tsmigrator.config.Identifiers;

import java.util.List;

/**
 * The names of what change capture installs in the source database: the mark table, its version
 * sequence and the trigger function in the control schema, and three triggers on the source table
 * (PostgreSQL takes transition tables only on a trigger for one event).
 *
 * @param schemaName the control schema, unquoted
 * @param source     the source table, quoted
 */
record CaptureObjects(String schemaName, String source) {

    static final String TABLE = "dirty_window";
    static final String SEQUENCE = "dirty_window_version";
    static final String FUNCTION = "capture_dirty_window";
    static final String INSERT_TRIGGER = "tsmigrator_capture_insert";
    static final String UPDATE_TRIGGER = "tsmigrator_capture_update";
    static final String DELETE_TRIGGER = "tsmigrator_capture_delete";
    static final List<String> TRIGGERS = List.of(INSERT_TRIGGER, UPDATE_TRIGGER, DELETE_TRIGGER);

    /** The same key as the control schema's own DDL: both may create the schema in one database at once. */
    static final String LOCK_KEY = "timeseries-migrator control schema";

    String schema() {
        return Identifiers.quote(schemaName);
    }

    String table() {
        return schema() + "." + Identifiers.quote(TABLE);
    }

    String sequence() {
        return schema() + "." + Identifiers.quote(SEQUENCE);
    }

    String function() {
        return schema() + "." + Identifiers.quote(FUNCTION);
    }

    /** The function as {@code to_regprocedure} takes it. */
    String functionSignature() {
        return function() + "()";
    }
}
