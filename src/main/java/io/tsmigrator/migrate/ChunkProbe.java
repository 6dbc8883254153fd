package io.tsmigrator.migrate;

import io.tsmigrator.ledger.Chunk;
import io.tsmigrator.source.SourceTable;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A chunk's read side without its write: the plan of the chunk query and one read-and-pivot of a
 * window, through the same {@link ChunkReader} and {@link WidePivot} a run uses, so that
 * {@code doctor} examines exactly what a run would execute. Nothing is written.
 */
public final class ChunkProbe {

    /** One window read and pivoted. */
    public record Sample(long narrowRows, long wideRows, Duration elapsed) {

        public double rowsPerSecond() {
            return narrowRows / Math.max(elapsed.toNanos() / 1e9, 1e-6);
        }
    }

    private final ChunkReader reader;
    private final ChannelIndex index;
    private final int columns;

    /**
     * @param channels wide columns' channel ids, in column order (the readings of others are left out)
     * @param channelFilter the channels to read, when listed, as a run chooses it
     */
    public ChunkProbe(DataSource read, SourceTable source, List<String> channels, ChannelFilter channelFilter) {
        this.reader = new ChunkReader(read, source, channelFilter);
        this.index = new ChannelIndex(channels, source.channelType());
        this.columns = channels.size();
    }

    /** {@code EXPLAIN (FORMAT JSON)} of the chunk query for a ship's window. */
    public String explain(String ship, Instant start, Instant end) throws SQLException {
        return reader.explain(probe(ship, start, end));
    }

    public Sample read(String ship, Instant start, Instant end) throws SQLException {
        long started = System.nanoTime();
        WidePivot pivot = reader.newPivot(columns);
        long narrowRows = 0;
        long wideRows = 0;
        try (ChunkReader.Session session = reader.open(probe(ship, start, end), index, false)) {
            ReadWindows cut = reader.windows(start, end, columns);
            while (cut.hasNext()) {
                Instant[] window = cut.next();
                pivot.reset();
                session.read(window[0], window[1], pivot);
                cut.observed(pivot.rows());
                narrowRows += pivot.narrowRows();
                wideRows += pivot.rows();
            }
        }
        return new Sample(narrowRows, wideRows, Duration.ofNanos(System.nanoTime() - started));
    }

    private static Chunk probe(String ship, Instant start, Instant end) {
        return new Chunk(0, ship, start, end, 0);
    }
}
