package io.tsmigrator.run;

import io.tsmigrator.config.Settings;
import io.tsmigrator.migrate.ChunkMigrator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A consumer holds one read window's pivot (at most {@code MAX_PIVOT_CELLS} cells) and a 1 MB COPY
 * buffer; the rest of the process needs about 64 MB. A heap capped below that fails late with
 * OutOfMemoryError, so say so at the start.
 */
final class HeapCheck {

    private static final Logger LOG = LoggerFactory.getLogger(HeapCheck.class);

    private HeapCheck() {
    }

    static long needed(int parallelism) {
        long perConsumer = ChunkMigrator.MAX_PIVOT_CELLS * 9L + (1 << 20);
        return (64L << 20) + parallelism * perConsumer;
    }

    static void warnIfTooSmall(Settings settings) {
        long needed = needed(settings.parallelism());
        long max = Runtime.getRuntime().maxMemory();
        if (max < needed) {
            LOG.warn("the heap (-Xmx) is {} MB; {} consumers need about {} MB: raise -Xmx or lower {}",
                    max >> 20, settings.parallelism(), needed >> 20, Settings.PARALLELISM);
        }
    }
}
