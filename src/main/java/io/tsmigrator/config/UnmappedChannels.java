package io.tsmigrator.config;

/** {@code migrator.channels.unmapped}: the readings of a channel the mapping file does not name. */
public enum UnmappedChannels {
    /** A column of its own, the prefix followed by the channel id. */
    COLUMN,
    /** Left out of the wide table, counted per chunk ({@code rows_skipped}) and reported. */
    SKIP,
    /** The chunk fails as permanent, naming the channel. */
    FAIL
}
