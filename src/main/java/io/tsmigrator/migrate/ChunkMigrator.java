package io.tsmigrator.migrate;

import io.tsmigrator.config.Secrets;
import io.tsmigrator.config.UnmappedChannels;
import io.tsmigrator.failure.ChunkFailure;
import io.tsmigrator.failure.FailureClassifier;
import io.tsmigrator.failure.FailureKind;
import io.tsmigrator.ledger.Chunk;
import io.tsmigrator.ledger.ChunkLedger;
import io.tsmigrator.ledger.LeaseLostException;
import io.tsmigrator.ledger.InFlightChunks;
import io.tsmigrator.source.SourceTable;
import io.tsmigrator.wide.WideTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * The chunk consumer's work: one attempt at one chunk, from the first narrow row read to the ledger
 * saying DONE. The chunk is read and pivoted one {@link ReadWindows read window} at a time, each
 * window's wide rows streamed into the chunk's open COPY, so memory does not grow with the chunk
 * size. An attempt either commits everything or nothing, so a retry always starts the whole chunk
 * again. Failures leave as a {@link ChunkFailure} whose type tells the routes to retry,
 * split or dead-letter.
 */
public class ChunkMigrator {

    private static final Logger LOG = LoggerFactory.getLogger(ChunkMigrator.class);
    /** The most cells a consumer's pivot holds (see {@link ReadWindows}), for sizing the heap. */
    public static final int MAX_PIVOT_CELLS = ReadWindows.MAX_CELLS;

    private final ChunkReader reader;
    private final WideWriter writer;
    private final ChunkLedger ledger;
    private final FailureClassifier classifier;
    private final String owner;
    private final Duration lease;
    private final InFlightChunks inFlight;
    private final ChannelColumns channels;
    private final UnmappedChannels unmapped;
    // One pivot and one COPY buffer per consumer thread, reused for every read window of every chunk it migrates
    // (the pivot is made anew when the columns change).
    private final ThreadLocal<WidePivot> pivots = new ThreadLocal<>();
    private final ThreadLocal<byte[]> copyBuffers = ThreadLocal.withInitial(() -> new byte[CopyStream.BUFFER]);

    /**
     * @param channels the run's shared channel to column lookup
     * @param writeTimeout how long one write to the target may block before its connection is aborted (zero: never)
     */
    public ChunkMigrator(DataSource read, DataSource write, SourceTable source, WideTable wide, ChannelColumns channels,
                         UnmappedChannels unmapped, ChannelFilter channelFilter, ChunkLedger ledger, FailureClassifier classifier,
                         String owner, Duration lease, Duration writeTimeout, InFlightChunks inFlight) {
        this.inFlight = inFlight;
        this.channels = channels;
        this.unmapped = unmapped;
        this.reader = new ChunkReader(read, source, channelFilter);
        this.writer = new WideWriter(write, source, wide, ledger, new WriteStallGuard(writeTimeout));
        this.ledger = ledger;
        this.classifier = classifier;
        this.owner = owner;
        this.lease = lease;
    }

    /**
     * One attempt. The chunk is in hand (its lease renewed) from its claim to the end of its first
     * attempt; a retry takes it in hand again. Between attempts the lease a failed attempt's record
     * extends outlasts the longest backoff.
     *
     * @param redeliveries the attempts this process has already made at the chunk since it claimed
     *                     it (Camel's redelivery counter; null on the first)
     */
    public ChunkResult migrate(Chunk chunk, Integer redeliveries) throws ChunkFailure {
        if (redeliveries != null && redeliveries > 0) {
            inFlight.add(chunk.id()); // the claim took it in hand for the first attempt
        }
        try {
            return attempt(chunk, chunk.attempts() + 1 + (redeliveries == null ? 0 : redeliveries));
        } finally {
            inFlight.remove(chunk.id());
        }
    }

    /**
     * One attempt; when the chunk meets channels without a column, their columns are added and the
     * chunk is read again at once with them, as part of the same attempt (no failure, no backoff).
     */
    private ChunkResult attempt(Chunk chunk, int attempt) throws ChunkFailure {
        long started = System.nanoTime();
        ChannelColumns.Snapshot columns = channels.current();
        while (true) {
            Pass pass = pass(chunk, columns, attempt, started);
            if (pass.result() != null) {
                return pass.result();
            }
            try {
                columns = channels.addFor(chunk.ship(), pass.unknown(), columns);
            } catch (Exception e) {
                throw failure(chunk, attempt, started, e);
            }
            LOG.info("{} attempt {}: channels {} had no column; reading the chunk again with {} columns", chunk.describe(), attempt,
                    pass.unknown(), columns.columns().size());
        }
    }

    /** A chunk read and written with one snapshot of the columns: its result, or the channels it met without a column. */
    private record Pass(ChunkResult result, Set<String> unknown) {
    }

    private Pass pass(Chunk chunk, ChannelColumns.Snapshot columns, int attempt, long started) throws ChunkFailure {
        byte[] copyBuffer = copyBuffers.get(); // this consumer's, not the opening thread's
        WriteOpening opening = WriteOpening.start(() -> writer.begin(chunk, owner, columns, copyBuffer));
        try {
            WidePivot pivot = pivotFor(columns.columns().size());
            long narrowRows = 0;
            long duplicates = 0;
            long readNanos = 0;
            int windows = 0;
            long written;
            long skipped;
            try (ChunkReader.Session read = reader.open(chunk, columns.forShip(chunk.ship()), unmapped != UnmappedChannels.SKIP)) {
                WideWriter.Session write = null;
                try {
                    ReadWindows cut = reader.windows(chunk.start(), chunk.end(), columns.columns().size());
                    while (cut.hasNext()) {
                        Instant[] window = cut.next();
                        pivot.reset();
                        long readStarted = System.nanoTime();
                        read.read(window[0], window[1], pivot);
                        readNanos += System.nanoTime() - readStarted;
                        cut.observed(pivot.rows());
                        narrowRows += pivot.narrowRows();
                        duplicates += pivot.duplicates();
                        windows++;
                        if (write == null) {
                            write = opening.await();
                        }
                        if (read.unknownChannels().isEmpty()) {
                            write.append(pivot); // once a channel lacks a column the write is rolled back: nothing more to send
                        }
                    }
                    if (!read.unknownChannels().isEmpty()) {
                        if (write == null) {
                            opening.abandon();
                        }
                        return new Pass(null, Set.copyOf(read.unknownChannels())); // the write closes uncommitted below
                    }
                    skipped = read.skipped();
                    written = write.commit(owner, attempt, narrowRows, duplicates, skipped, started);
                } catch (Exception e) {
                    read.fail();
                    throw e;
                } finally {
                    if (write != null) {
                        write.close();
                    }
                }
            } finally {
                pivot.reset(); // lets go of the last window's numeric values (a numeric pivot holds references)
            }
            long millis = millisSince(started);
            long readMillis = readNanos / 1_000_000L;
            LOG.info("{} attempt {}: {} narrow rows -> {} wide rows ({} duplicates{}) in {} ms (read {} ms, pivot, write and commit {} ms; {} read windows)",
                    chunk.describe(), attempt, narrowRows, written, duplicates, skipped == 0 ? "" : ", " + skipped + " skipped", millis,
                    readMillis, millis - readMillis, windows);
            return new Pass(new ChunkResult(chunk, attempt, narrowRows, written, duplicates, millis), Set.of());
        } catch (LeaseLostException e) {
            opening.abandon();
            throw e;
        } catch (Exception e) {
            opening.abandon();
            throw failure(chunk, attempt, started, e);
        }
    }

    /** This consumer's pivot, made anew when the columns changed. */
    private WidePivot pivotFor(int columns) {
        WidePivot pivot = pivots.get();
        if (pivot == null || pivot.channels() != columns) {
            pivot = reader.newPivot(columns);
            pivots.set(pivot);
        }
        return pivot;
    }

    private ChunkFailure failure(Chunk chunk, int attempt, long started, Exception e) {
        if (e instanceof LeaseLostException lost) {
            throw lost;
        }
        long millis = millisSince(started);
        FailureKind kind = classifier.classify(e, Duration.ofMillis(millis));
        String sqlState = FailureClassifier.sqlState(e);
        String reason = Secrets.scrub(String.valueOf(e.getMessage()));
        LOG.warn("{} attempt {} failed after {} ms ({}{}): {}", chunk.describe(), attempt, millis, kind,
                sqlState == null ? "" : ", SQLState " + sqlState, reason);
        recordQuietly(chunk, attempt, kind, sqlState, reason, millis);
        return ChunkFailure.of(kind, chunk, attempt, sqlState, reason, millis);
    }

    private void recordQuietly(Chunk chunk, int attempt, FailureKind kind, String sqlState, String reason, long millis) {
        try {
            ledger.recordFailure(chunk, owner, lease, attempt, kind.name(), sqlState, reason, millis);
        } catch (Exception e) {
            // the database may be the thing that failed; the retry will record its own outcome
            LOG.debug("{}: could not note the failure in the ledger: {}", chunk.describe(), Secrets.scrub(e.getMessage()));
        }
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000L;
    }
}
