package io.tsmigrator.migrate;

import io.tsmigrator.db.Pools;
import io.tsmigrator.db.Transactions;
import io.tsmigrator.ledger.Chunk;
import io.tsmigrator.source.SourceTable;
import io.tsmigrator.source.Times;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;
import org.postgresql.copy.CopyOut;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Streams a chunk's narrow rows, one read window at a time, into a {@link WidePivot}, with
 * {@code COPY (query) TO STDOUT (FORMAT binary)}. The query has no ORDER BY (the pivot needs none,
 * and an index on (ship, time) serves the range without a sort). The server streams the rows and
 * the driver hands them over one at a time, so memory does not depend on the result, and they
 * arrive in binary, the form binary COPY writes back. COPY takes no bound parameters, so each
 * window's statement is made by the server: the values are bound to {@code format()}, whose
 * {@code %L} quotes them as literals, and the query is planned with the window's own values.
 */
final class ChunkReader {

    private static final byte[] COPY_SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0};

    private final DataSource read;
    private final SourceTable source;
    private final ChannelFilter filter;
    private final String queryTemplate;
    private final String formatSql;

    /** @param filter the channels to read, when listed */
    ChunkReader(DataSource read, SourceTable source, ChannelFilter filter) {
        this.read = read;
        this.source = source;
        this.filter = filter;
        // format() reads every % of the template: the query's own ones are doubled, the values' placeholders added after
        String value = "\u0000";
        this.queryTemplate = query(value, value, value, value + "::" + channelArrayType()).replace("%", "%%").replace(value, "%L");
        String time = source.timeType().name();
        this.formatSql = "SELECT format(CAST(? AS text), CAST(? AS " + source.shipType().name() + "), CAST(? AS " + time + "), CAST(? AS " + time + ")"
                + (filter.any() ? ", CAST(? AS " + channelArrayType() + ")" : "") + ")";
    }

    private String query(String ship, String from, String to, String channels) {
        return "SELECT " + source.time() + ", " + source.channel() + ", " + source.value() + " FROM " + source.table()
                + " WHERE " + source.ship() + " = " + ship + " AND " + source.time() + " >= " + from + " AND " + source.time() + " < " + to
                + (filter.any() ? " AND " + source.channel() + " = ANY (" + channels + ")" : "");
    }

    /** The type channel ids are bound as: bigint for every integer type, text otherwise. */
    private String channelElementType() {
        return source.channelType().isInteger() ? "int8" : "text";
    }

    private String channelArrayType() {
        return channelElementType() + "[]";
    }

    /** The read windows of [start, end) for a pivot of {@code columns} columns. */
    ReadWindows windows(Instant start, Instant end, int columns) {
        return new ReadWindows(start, end, columns);
    }

    /** An empty pivot of {@code columns} columns of this source's value type. */
    WidePivot newPivot(int columns) {
        return new WidePivot(columns, source.valueType().fixedWidth(), new ValueOrder(source.valueType()), 1024);
    }

    /**
     * A chunk's read: one connection and one prepared statement for all its windows.
     *
     * @param index the column of each of the ship's channels that has one
     * @param recordUnknown whether channels without a column are collected ({@link Session#unknownChannels()})
     *                      so that the chunk can add their columns; otherwise their readings are only counted
     *                      ({@link Session#skipped()}) as the mapping's {@code unmapped=skip} wants
     */
    Session open(Chunk chunk, ChannelIndex index, boolean recordUnknown) throws SQLException {
        Connection c = read.getConnection();
        try {
            // each COPY is a statement of its own: no transaction spans the windows, and no ROLLBACK ends them
            c.setAutoCommit(true);
            return new Session(chunk, c, copyStatementFor(c, chunk.ship()), index, recordUnknown);
        } catch (SQLException | RuntimeException e) {
            Pools.evict(read, c);
            c.close();
            throw e;
        }
    }

    /** One chunk's connection, read window after window. */
    final class Session implements AutoCloseable {

        private final Chunk chunk;
        private final Connection connection;
        private final PreparedStatement format;
        private final CopyManager copies;
        private final ChannelIndex index;
        private final boolean recordUnknown;
        private final Set<String> unknown = new TreeSet<>();
        private long skipped;
        private boolean failed;

        private Session(Chunk chunk, Connection connection, PreparedStatement format, ChannelIndex index, boolean recordUnknown) throws SQLException {
            this.chunk = chunk;
            this.connection = connection;
            this.format = format;
            this.copies = connection.unwrap(PGConnection.class).getCopyAPI();
            this.index = index;
            this.recordUnknown = recordUnknown;
        }

        /** Channels met without a column (when recorded); their readings were left out of the pivot. */
        Set<String> unknownChannels() {
            return unknown;
        }

        /** Readings left out of the pivot: those of channels without a column. */
        long skipped() {
            return skipped;
        }

        /** Adds the narrow rows of [start, end) to the pivot. */
        void read(Instant start, Instant end, WidePivot pivot) throws SQLException {
            try {
                readWindow(start, end, pivot);
            } catch (SQLException | RuntimeException e) {
                failed = true;
                throw e;
            }
        }

        private void readWindow(Instant start, Instant end, WidePivot pivot) throws SQLException {
            CopyOut out = copies.copyOut("COPY (" + windowQuery(format, start, end) + ") TO STDOUT (FORMAT binary)");
            byte[] row = out.readFromCopy();
            int p = row == null ? 0 : afterHeader(row);
            // one CopyData message per row (the first one also carries the file header), then the trailer's
            while (row != null) {
                if (ValueOrder.readShort(row, p) >= 0) {
                    addRow(pivot, row, p + 2);
                }
                row = out.readFromCopy();
                p = 0;
            }
        }

        /**
         * A narrow row whose channel has no wide column: a timestamp without a reading when the
         * channel is NULL (as GROUP BY time makes it); else left out, its channel noted when the
         * chunk is to add its column. Its timestamp makes no wide row: the chunk is redone with the
         * column, or the channel's readings are skipped, timestamps and all.
         */
        private void addWithoutColumn(WidePivot pivot, long time, byte[] row, int channelAt, int channelLength) {
            if (channelLength < 0) {
                pivot.addTimeOnly(time);
                return;
            }
            skipped++;
            if (recordUnknown) {
                unknown.add(index.describe(row, channelAt, channelLength));
            }
        }

        @Override
        public void close() throws SQLException {
            try {
                format.close();
            } finally {
                if (failed) {
                    // a COPY cut short leaves the session mid-protocol: it must not serve anyone else
                    Pools.evict(read, connection);
                }
                connection.close();
            }
        }

        /** The attempt failed elsewhere (the write): this connection may be as broken as the other. */
        void fail() {
            failed = true;
        }

        /** One row of binary COPY: three fields, each a length (-1 for NULL) and that many bytes. */
        private void addRow(WidePivot pivot, byte[] row, int p) {
            long time = ValueOrder.readLong(row, p + 4);
            p += 4 + ValueOrder.readInt(row, p);
            int channelLength = ValueOrder.readInt(row, p);
            int channelAt = p + 4;
            int column = index.columnOf(row, channelAt, channelLength);
            p = channelAt + Math.max(channelLength, 0);
            int valueLength = ValueOrder.readInt(row, p);
            if (column >= 0) {
                pivot.add(time, column, row, p + 4, valueLength);
            } else {
                addWithoutColumn(pivot, time, row, channelAt, channelLength);
            }
        }

        private static int afterHeader(byte[] first) throws SQLException {
            for (int i = 0; i < COPY_SIGNATURE.length; i++) {
                if (first.length <= i || first[i] != COPY_SIGNATURE[i]) {
                    throw new SQLException("the server's COPY output does not start with the binary COPY signature");
                }
            }
            // flags, then the length of the header extension, then the extension
            return COPY_SIGNATURE.length + 8 + ValueOrder.readInt(first, COPY_SIGNATURE.length + 4);
        }
    }

    /** The plan PostgreSQL makes for this chunk's query ({@code EXPLAIN (FORMAT JSON)}), with the chunk's own values bound. */
    String explain(Chunk chunk) throws SQLException {
        try (Connection c = Transactions.forReads(read)) {
            String query;
            try (PreparedStatement format = copyStatementFor(c, chunk.ship())) {
                query = windowQuery(format, chunk.start(), chunk.end());
            }
            try (PreparedStatement ps = c.prepareStatement("EXPLAIN (FORMAT JSON) " + query)) {
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getString(1);
                }
            }
        }
    }

    /** The statement that writes a window's query for its COPY, the template, ship and channels bound. */
    private PreparedStatement copyStatementFor(Connection c, String ship) throws SQLException {
        PreparedStatement format = c.prepareStatement(formatSql);
        try {
            format.setString(1, queryTemplate);
            bindShipAndChannels(c, format, 2, 5, ship);
            return format;
        } catch (SQLException | RuntimeException e) {
            format.close();
            throw e;
        }
    }

    /** A window's query, its values quoted by the server. */
    private String windowQuery(PreparedStatement format, Instant start, Instant end) throws SQLException {
        Times.bind(format, 3, start, source.timeType());
        Times.bind(format, 4, end, source.timeType());
        try (ResultSet rs = format.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }

    private void bindShipAndChannels(Connection c, PreparedStatement ps, int shipAt, int channelsAt, String ship) throws SQLException {
        ps.setString(shipAt, ship);
        if (filter.any()) {
            List<String> channels = filter.channels();
            ps.setArray(channelsAt, c.createArrayOf(channelElementType(),
                    source.channelType().isInteger() ? channels.stream().map(Long::valueOf).toArray() : channels.toArray()));
        }
    }
}
