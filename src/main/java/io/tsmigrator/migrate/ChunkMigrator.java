package io.tsmigrator.migrate;

import io.tsmigrator.config.Secrets;
import io.tsmigrator.failure.ChunkFailure;
import io.tsmigrator.failure.FailureClassifier;
import io.tsmigrator.failure.FailureKind;
import io.tsmigrator.ledger.Chunk;
import io.tsmigrator.ledger.ChunkLedger;
import io.tsmigrator.ledger.LeaseLostException;
import io.tsmigrator.ledger.InFlightChunks;
import io.tsmigrator.source.SourceTable;
import io.tsmigrator.target.WideTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.List;

/**
 * The chunk consumer's work: one attempt at one chunk, from the first narrow row read to the ledger
 * saying DONE. An attempt either commits everything or nothing, so a retry always starts the
 * whole chunk again. Failures leave as a {@link ChunkFailure} whose type tells the routes to retry,
 * split or dead-letter.
 */
public class ChunkMigrator {

    private static final Logger LOG = LoggerFactory.getLogger(ChunkMigrator.class);

    private final ChunkReader reader;
    private final WideWriter writer;
    private final ChunkLedger ledger;
    private final FailureClassifier classifier;
    private final String owner;
    private final Duration lease;
    private final InFlightChunks inFlight;

    /** @param writeTimeout how long one write to the target may block before its connection is aborted (zero: never) */
    public ChunkMigrator(DataSource read, DataSource write, SourceTable source, WideTable wide, List<String> channelFilter,
                         int fetchSize, ChunkLedger ledger, FailureClassifier classifier, String owner, Duration lease,
                         Duration writeTimeout, InFlightChunks inFlight) {
        this.inFlight = inFlight;
        this.reader = new ChunkReader(read, source, wide.channels(), channelFilter, fetchSize);
        this.writer = new WideWriter(write, source, wide, ledger, new WriteStallGuard(writeTimeout));
        this.ledger = ledger;
        this.classifier = classifier;
        this.owner = owner;
        this.lease = lease;
    }

    /**
     * One attempt. The chunk counts as in flight (its lease renewed) during the attempt; between
     * attempts the lease set by {@code beginAttempt} outlasts the longest backoff.
     */
    public ChunkResult migrate(Chunk chunk) throws ChunkFailure {
        inFlight.add(chunk.id());
        try {
            return attempt(chunk);
        } finally {
            inFlight.remove(chunk.id());
        }
    }

    private ChunkResult attempt(Chunk chunk) throws ChunkFailure {
        long started = System.nanoTime();
        int attempt = chunk.attempts() + 1;
        try {
            attempt = ledger.beginAttempt(chunk, owner, lease);
            long readStarted = System.nanoTime();
            WidePivot pivot = reader.read(chunk);
            long writeStarted = System.nanoTime();
            long written = writer.write(chunk, pivot, owner);
            long millis = millisSince(started);
            LOG.info("{} attempt {}: {} narrow rows -> {} wide rows ({} duplicates) in {} ms (read {} ms, write {} ms)",
                    chunk.describe(), attempt, pivot.narrowRows(), written, pivot.duplicates(), millis,
                    (writeStarted - readStarted) / 1_000_000L, millisSince(writeStarted));
            return new ChunkResult(chunk, attempt, pivot.narrowRows(), written, pivot.duplicates(), millis);
        } catch (LeaseLostException e) {
            throw e;
        } catch (Exception e) {
            long millis = millisSince(started);
            FailureKind kind = classifier.classify(e, Duration.ofMillis(millis));
            String sqlState = FailureClassifier.sqlState(e);
            String reason = Secrets.scrub(String.valueOf(e.getMessage()));
            LOG.warn("{} attempt {} failed after {} ms ({}{}): {}", chunk.describe(), attempt, millis, kind,
                    sqlState == null ? "" : ", SQLState " + sqlState, reason);
            recordQuietly(chunk, attempt, kind, sqlState, reason, millis);
            throw ChunkFailure.of(kind, chunk, attempt, sqlState, reason, millis);
        }
    }

    private void recordQuietly(Chunk chunk, int attempt, FailureKind kind, String sqlState, String reason, long millis) {
        try {
            ledger.recordFailure(chunk, attempt, kind.name(), sqlState, reason, millis);
        } catch (Exception e) {
            // the database may be the thing that failed; the retry will record its own outcome
            LOG.debug("{}: could not note the failure in the ledger: {}", chunk.describe(), Secrets.scrub(e.getMessage()));
        }
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000L;
    }
}
