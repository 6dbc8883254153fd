package io.tsmigrator.migrate;

import io.tsmigrator.db.Pools;
import io.tsmigrator.db.Transactions;
import io.tsmigrator.failure.PermanentFault;
import io.tsmigrator.ledger.Chunk;
import io.tsmigrator.source.SourceTable;
import io.tsmigrator.source.Times;
import org.postgresql.PGResultSetMetaData;
import org.postgresql.PGStatement;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * Streams a chunk's narrow rows, one read window at a time, into a {@link WidePivot}. The query has
 * no ORDER BY (the pivot needs none, and an index on (ship, time) serves the range without a sort);
 * it runs with a server-side cursor (autocommit off, a fetch size) so memory does not depend on the
 * result, and in binary so timestamps and values arrive in the form binary COPY writes back.
 */
final class ChunkReader {

    private static final int BINARY = 1;

    private final DataSource read;
    private final SourceTable source;
    private final ChannelFilter filter;
    private final int fetchSize;
    private final String sql;
    private final ChannelIndex index;
    private final int columns;

    /**
     * @param channels wide columns' channel ids, in column order
     * @param filter the channels to read, when listed, and whether the query or the reader leaves the others out
     */
    ChunkReader(DataSource read, SourceTable source, List<String> channels, ChannelFilter filter, int fetchSize) {
        this.read = read;
        this.source = source;
        this.filter = filter;
        this.fetchSize = fetchSize;
        this.index = new ChannelIndex(channels, source.channelType());
        this.columns = channels.size();
        this.sql = "SELECT " + source.time() + ", " + source.channel() + ", " + source.value() + " FROM " + source.table()
                + " WHERE " + source.ship() + " = ? AND " + source.time() + " >= ? AND " + source.time() + " < ?"
                + (filter.inQuery() ? " AND " + source.channel() + " = ANY (?)" : "");
    }

    /** An empty pivot shaped for this reader's columns and value type. */
    WidePivot newPivot() {
        return new WidePivot(columns, source.valueType().fixedWidth(), new ValueOrder(source.valueType()), 1024);
    }

    /** A chunk's read: one connection and one prepared statement for all its windows. */
    Session open(Chunk chunk) throws SQLException {
        Connection c = read.getConnection();
        try {
            PreparedStatement ps = c.prepareStatement(sql);
            ps.unwrap(PGStatement.class).setPrepareThreshold(-1);
            ps.setFetchSize(fetchSize);
            bindShipAndChannels(c, ps, chunk.ship());
            return new Session(chunk, c, ps);
        } catch (SQLException | RuntimeException e) {
            Pools.evict(read, c);
            c.close();
            throw e;
        }
    }

    final class Session implements AutoCloseable {

        private final Chunk chunk;
        private final Connection connection;
        private final PreparedStatement statement;
        private boolean failed;

        private Session(Chunk chunk, Connection connection, PreparedStatement statement) {
            this.chunk = chunk;
            this.connection = connection;
            this.statement = statement;
        }

        /** Adds the narrow rows of [start, end) to the pivot. */
        void read(Instant start, Instant end, WidePivot pivot) throws SQLException {
            try {
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
                        } else if (filter.inMigrator()) {
                            continue; // a channel the list leaves out, as the query would have
                        } else if (rs.wasNull()) {
                            pivot.addTimeOnly(time);
                        } else {
                            throw new PermanentFault(chunk.describe() + ": channel " + rs.getString(2)
                                    + " has no column in the wide table (it appeared after discovery); run again to add its column");
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                failed = true;
                throw e;
            }
        }

        @Override
        public void close() throws SQLException {
            try {
                statement.close();
                if (!failed) {
                    Transactions.rollbackQuietly(connection);
                }
            } finally {
                if (failed) {
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

    /** The plan PostgreSQL makes for this chunk's query ({@code EXPLAIN (FORMAT JSON)}), with the chunk's own values bound. */
    String explain(Chunk chunk) throws SQLException {
        try (Connection c = Transactions.forReads(read); PreparedStatement ps = c.prepareStatement("EXPLAIN (FORMAT JSON) " + sql)) {
            bindShipAndChannels(c, ps, chunk.ship());
            Times.bind(ps, 2, chunk.start(), source.timeType());
            Times.bind(ps, 3, chunk.end(), source.timeType());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                String plan = rs.getString(1);
                return plan;
            }
        }
    }

    private void bindShipAndChannels(Connection c, PreparedStatement ps, String ship) throws SQLException {
        ps.setString(1, ship);
        if (filter.inQuery()) {
            List<String> channels = filter.channels();
            ps.setArray(4, c.createArrayOf(source.channelType().isInteger() ? "int8" : "text",
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
