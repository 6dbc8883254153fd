package io.tsmigrator.migrate;

import io.tsmigrator.ledger.Chunk;

/**
 * What one chunk did: the message body after a chunk is migrated.
 *
 * @param narrowRows source rows read
 * @param wideRows wide rows written (distinct timestamps)
 * @param duplicates source rows that repeated a (time, channel) already seen
 */
public record ChunkResult(Chunk chunk, int attempt, long narrowRows, long wideRows, long duplicates, long elapsedMillis) {
}
