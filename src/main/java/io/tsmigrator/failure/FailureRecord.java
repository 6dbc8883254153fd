package io.tsmigrator.failure;

import io.tsmigrator.ledger.Chunk;

import java.sql.SQLException;

/** Where a chunk ends that neither a retry nor a split can help: the dead-letter store implements it. */
@FunctionalInterface
public interface FailureRecord {

    void record(Chunk chunk, Throwable cause) throws SQLException;
}
