package io.tsmigrator.migrate;

import io.tsmigrator.config.Settings;

/**
 * How {@link ChunkReader} runs the chunk query: as a binary COPY ({@code migrator.read-method=copy})
 * or through a server-side cursor of {@code fetchSize} rows per round trip ({@code cursor}).
 */
public record ReadMethod(boolean copy, int fetchSize) {

    public static ReadMethod of(Settings settings) {
        return new ReadMethod(settings.readsWithCopy(), settings.fetchSize());
    }

    /** Narrow rows a consumer holds in the driver at a time: one cursor fetch, or a single COPY row. */
    public int rowsHeld() {
        return copy ? 1 : fetchSize;
    }
}
