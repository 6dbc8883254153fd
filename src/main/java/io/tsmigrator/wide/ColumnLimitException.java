package io.tsmigrator.wide;

import io.tsmigrator.config.InvalidSettingException;
import io.tsmigrator.config.Settings;

import java.util.Locale;

/**
 * The wide table would take more columns than PostgreSQL allows. At a run's start it is a setting
 * to change (exit 2); met by a chunk, the chunk fails as permanent with the same line.
 */
public final class ColumnLimitException extends InvalidSettingException {

    /** PostgreSQL's limit on a table's columns (MaxHeapAttributeNumber); dropped columns count. */
    public static final int MAX_COLUMNS = 1600;

    private ColumnLimitException(String message) {
        super(message);
    }

    /**
     * @param used attribute numbers the table already takes (dropped columns included), 0 when absent
     * @param adding columns still to add, ship and time included for a new table
     * @throws ColumnLimitException when the sum passes the limit
     */
    public static void check(String table, int used, int adding, String estimate) {
        int total = used + adding;
        if (total > MAX_COLUMNS) {
            throw new ColumnLimitException(String.format(Locale.ROOT, "the wide table %s would take %,d columns%s, more than PostgreSQL's"
                            + " limit of %,d: map the channels of different ships onto shared columns in %s (see docs/channels.md)",
                    table, total, estimate, MAX_COLUMNS, Settings.CHANNELS_MAPPING));
        }
    }
}
