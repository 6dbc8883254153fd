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
    /** One trigger per event: insert, update, delete. */
    static final int TRIGGERS = 3;

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

    /**
     * The triggers' names carry the control schema's, so that two migrations of one source table
     * (two control schemas) each capture its changes; a long schema name is cut so the name fits
     * PostgreSQL's 63 bytes with its event kept.
     */
    String insertTrigger() {
        return trigger("insert");
    }

    String updateTrigger() {
        return trigger("update");
    }

    String deleteTrigger() {
        return trigger("delete");
    }

    List<String> triggers() {
        return List.of(insertTrigger(), updateTrigger(), deleteTrigger());
    }

    private String trigger(String event) {
        String prefix = "tsmigrator_" + schemaName;
        int room = 63 - event.length() - 1;
        return (prefix.length() > room ? prefix.substring(0, room) : prefix) + "_" + event;
    }

    /** The function as {@code to_regprocedure} takes it. */
    String functionSignature() {
        return function() + "()";
    }
}
