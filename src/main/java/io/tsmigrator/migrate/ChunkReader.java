package io.tsmigrator.migrate;

import io.tsmigrator.db.Pools;
import io.tsmigrator.db.Transactions;
import io.tsmigrator.failure.PermanentFault;
import io.tsmigrator.ledger.Chunk;
import io.tsmigrator.source.SourceTable;
import io.tsmigrator.source.Times;
import org.postgresql.PGConnection;
import org.postgresql.PGResultSetMetaData;
import org.postgresql.PGStatement;
import org.postgresql.copy.CopyManager;
import org.postgresql.copy.CopyOut;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * Streams a chunk's narrow rows, one read window at a time, into a {@link WidePivot}. The query has
 * no ORDER BY (the pivot needs none, and an index on (ship, time) serves the range without a sort),
 * and its rows arrive in binary, the form binary COPY writes back. Memory does not depend on the
 * result, whichever of the two ways the query runs:
 * <ul>
 * <li>{@code copy} (the default): {@code COPY (query) TO STDOUT (FORMAT binary)}. The server streams
 * the rows without waiting for a next fetch, and the driver hands them over one at a time, so a
 * consumer holds no batch of rows for the garbage collector to copy (with a cursor's 50000-row
 * fetches, copying them was most of the run's pauses). COPY takes no bound parameters, so each
 * window's statement is made by the server: the values are bound to {@code format()}, whose
 * {@code %L} quotes them as literals. The query is then planned with the window's own values,
 * exactly like the cursor's (a sub-select or {@code current_setting} in the query would hide them
 * from the planner or be evaluated per row).</li>
 * <li>{@code cursor}: a server-side cursor (autocommit off, a fetch size) with bound parameters.</li>
 * </ul>
 */
final class ChunkReader {

    private static final int BINARY = 1;
    private static final byte[] COPY_SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0};

    private final DataSource read;
    private final SourceTable source;
    private final ChannelFilter filter;
    private final int fetchSize;
    private final boolean copy;
    private final String sql;
    private final String queryTemplate;
    private final String formatSql;
    private final ChannelIndex index;
    private final int columns;

    /**
     * @param channels wide columns' channel ids, in column order
     * @param filter the channels to read, when listed, and whether the query or the reader leaves the others out
     */
    ChunkReader(DataSource read, SourceTable source, List<String> channels, ChannelFilter filter, ReadMethod method) {
        this.read = read;
        this.source = source;
        this.filter = filter;
        this.copy = method.copy();
        this.fetchSize = method.fetchSize();
        this.index = new ChannelIndex(channels, source.channelType());
        this.columns = channels.size();
        this.sql = query("?", "?", "?", "?");
        // format() reads every % of the template: the query's own ones are doubled, the values' placeholders added after
        String value = "\u0000";
        this.queryTemplate = query(value, value, value, value + "::" + channelArrayType()).replace("%", "%%").replace(value, "%L");
        String time = source.timeType().name();
        this.formatSql = "SELECT format(CAST(? AS text), CAST(? AS " + source.shipType().name() + "), CAST(? AS " + time + "), CAST(? AS " + time + ")"
                + (filter.inQuery() ? ", CAST(? AS " + channelArrayType() + ")" : "") + ")";
    }

    private String query(String ship, String from, String to, String channels) {
        return "SELECT " + source.time() + ", " + source.channel() + ", " + source.value() + " FROM " + source.table()
                + " WHERE " + source.ship() + " = " + ship + " AND " + source.time() + " >= " + from + " AND " + source.time() + " < " + to
                + (filter.inQuery() ? " AND " + source.channel() + " = ANY (" + channels + ")" : "");
    }

    /** The type channel ids are bound as: bigint for every integer type, text otherwise. */
    private String channelElementType() {
        return source.channelType().isInteger() ? "int8" : "text";
    }

    private String channelArrayType() {
        return channelElementType() + "[]";
    }

    /** The read windows of [start, end), sized for this reader's way of reading. */
    ReadWindows windows(Instant start, Instant end) {
        return new ReadWindows(start, end, columns, copy ? ReadWindows.COPY_BASE : ReadWindows.CURSOR_BASE);
    }

    /** An empty pivot shaped for this reader's columns and value type. */
    WidePivot newPivot() {
        return new WidePivot(columns, source.valueType().fixedWidth(), new ValueOrder(source.valueType()), 1024);
    }

    /** A chunk's read: one connection and one prepared statement for all its windows. */
    Session open(Chunk chunk) throws SQLException {
        Connection c = read.getConnection();
        try {
            if (copy) {
                // each COPY is a statement of its own: no transaction spans the windows, and no ROLLBACK ends them
                c.setAutoCommit(true);
                return new CopySession(chunk, c, copyStatementFor(c, chunk.ship()));
            }
            PreparedStatement ps = c.prepareStatement(sql);
            ps.unwrap(PGStatement.class).setPrepareThreshold(-1);
            ps.setFetchSize(fetchSize);
            bindShipAndChannels(c, ps, 1, 4, chunk.ship());
            return new CursorSession(chunk, c, ps);
        } catch (SQLException | RuntimeException e) {
            Pools.evict(read, c);
            c.close();
            throw e;
        }
    }

    /** One chunk's connection, read window after window. */
    abstract class Session implements AutoCloseable {

        final Chunk chunk;
        final Connection connection;
        final PreparedStatement statement;
        private boolean failed;

        private Session(Chunk chunk, Connection connection, PreparedStatement statement) {
            this.chunk = chunk;
            this.connection = connection;
            this.statement = statement;
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

        abstract void readWindow(Instant start, Instant end, WidePivot pivot) throws SQLException;

        /**
         * A narrow row whose channel has no wide column, when the channel list does not leave it out
         * ({@link ChannelFilter#inMigrator()}, checked first, and cheaply, by the caller): a timestamp
         * without a reading, or an error.
         */
        void addWithoutColumn(WidePivot pivot, long time, boolean channelIsNull, String channel) {
            if (!channelIsNull) {
                throw new PermanentFault(chunk.describe() + ": channel " + channel
                        + " has no column in the wide table (it appeared after discovery); run again to add its column");
            }
            pivot.addTimeOnly(time);
        }

        @Override
        public void close() throws SQLException {
            try {
                statement.close();
                if (!failed && !connection.getAutoCommit()) {
                    Transactions.rollbackQuietly(connection);
                }
            } finally {
                if (failed) {
                    // a COPY or cursor cut short leaves the session mid-protocol: it must not serve anyone else
                    Pools.evict(read, connection);
                }
                connection.close();
            }
        }

        /** The attempt failed elsewhere (the write): this connection may be as broken as the other. */
        void fail() {
            failed = true;
        }
    }

    private final class CursorSession extends Session {

        private CursorSession(Chunk chunk, Connection connection, PreparedStatement statement) {
            super(chunk, connection, statement);
        }

        @Override
        void readWindow(Instant start, Instant end, WidePivot pivot) throws SQLException {
            Times.bind(statement, 2, start, source.timeType());
            Times.bind(statement, 3, end, source.timeType());
            try (ResultSet rs = statement.executeQuery()) {
                requireBinary(rs);
                boolean channelBinary = rs.getMetaData().unwrap(PGResultSetMetaData.class).getFormat(2) == BINARY;
                while (rs.next()) {
                    // In binary mode getBytes hands out the driver's own array, no copy.
                    long time = ValueOrder.readLong(rs.getBytes(1), 0);
                    int column = index.columnOf(rs, 2, channelBinary);
                    if (column >= 0) {
                        pivot.add(time, column, rs.getBytes(3));
                    } else if (!filter.inMigrator()) {
                        addWithoutColumn(pivot, time, rs.wasNull(), rs.getString(2));
                    }
                }
            }
        }
    }

    private final class CopySession extends Session {

        private final CopyManager copies;

        private CopySession(Chunk chunk, Connection connection, PreparedStatement format) throws SQLException {
            super(chunk, connection, format);
            this.copies = connection.unwrap(PGConnection.class).getCopyAPI();
        }

        @Override
        void readWindow(Instant start, Instant end, WidePivot pivot) throws SQLException {
            CopyOut out = copies.copyOut("COPY (" + windowQuery(statement, start, end) + ") TO STDOUT (FORMAT binary)");
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
            } else if (!filter.inMigrator()) {
                addWithoutColumn(pivot, time, channelLength < 0, channelLength < 0 ? null : index.describe(row, channelAt, channelLength));
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
            if (copy) {
                try (PreparedStatement format = copyStatementFor(c, chunk.ship())) {
                    query = windowQuery(format, chunk.start(), chunk.end());
                }
            } else {
                query = sql;
            }
            try (PreparedStatement ps = c.prepareStatement("EXPLAIN (FORMAT JSON) " + query)) {
                if (!copy) {
                    bindShipAndChannels(c, ps, 1, 4, chunk.ship());
                    Times.bind(ps, 2, chunk.start(), source.timeType());
                    Times.bind(ps, 3, chunk.end(), source.timeType());
                }
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
        if (filter.inQuery()) {
            List<String> channels = filter.channels();
            ps.setArray(channelsAt, c.createArrayOf(channelElementType(),
                    source.channelType().isInteger() ? channels.stream().map(Long::valueOf).toArray() : channels.toArray()));
        }
    }

    private static void requireBinary(ResultSet rs) throws SQLException {
        PGResultSetMetaData meta = rs.getMetaData().unwrap(PGResultSetMetaData.class);
        if (meta.getFormat(1) != BINARY || meta.getFormat(3) != BINARY) {
            throw new SQLException("the driver did not send time and value in binary; check binaryTransfer is not disabled in the JDBC URL");
        }
    }
}
