package io.tsmigrator.deadletter;

import io.tsmigrator.config.Secrets;
import io.tsmigrator.failure.ChunkFailure;
import io.tsmigrator.failure.FailureClassifier;
import io.tsmigrator.failure.FailureRecord;
import io.tsmigrator.ledger.Chunk;
import io.tsmigrator.ledger.ChunkLedger;
import io.tsmigrator.ledger.ControlSchema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;

/**
 * The persistent dead-letter channel's end: a chunk whose attempts are spent, or whose fault no
 * retry can fix, is filed in {@code <control-schema>.dead_letter} with its ship, window, attempts,
 * SQLState and error, and its ledger row is marked FAILED, in one transaction. Dead letters are
 * kept, never deleted, so their history survives a replay.
 */
public class DeadLetters implements FailureRecord {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

    private final ChunkLedger ledger;
    private final String table;
    private final String owner;

    public DeadLetters(ChunkLedger ledger, ControlSchema schema, String owner) {
        this.ledger = ledger;
        this.table = schema.table("dead_letter");
        this.owner = owner;
    }

    @Override
    public void record(Chunk chunk, Throwable cause) throws SQLException {
        String sqlState = cause instanceof ChunkFailure f ? f.sqlState() : FailureClassifier.sqlState(cause);
        String error = Secrets.scrub(cause instanceof ChunkFailure f ? f.reason() : String.valueOf(cause));
        long elapsed = cause instanceof ChunkFailure f ? f.elapsedMillis() : 0;
        ledger.fail(chunk, owner, sqlState, error, elapsed, table);
        LOG.error("{}: dead-lettered{}: {}", chunk.describe(), sqlState == null ? "" : " [SQLState " + sqlState + "]", error);
    }
}
