package io.tsmigrator.migrate;

import io.tsmigrator.db.Pools;
import io.tsmigrator.ledger.Chunk;
import io.tsmigrator.ledger.ChunkLedger;
import io.tsmigrator.ledger.LeaseLostException;
import io.tsmigrator.source.SourceTable;
import io.tsmigrator.source.Times;
import io.tsmigrator.wide.WideTable;
import org.postgresql.PGConnection;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes a chunk's wide rows and marks it done in one transaction: delete the chunk's window in the
 * wide table, binary COPY the pivot in, update the ledger (the attempt is recorded there too, so a
 * chunk costs one commit). The chunk owns its window, so running it
 * again (after a crash, a retry or a replay) leaves exactly the same rows: never a duplicate, never
 * a half-written chunk.
 * <p>
 * The COPY stays open while the chunk is read window by window ({@link Session#append} after each),
 * so the server stores one window's rows while the next is being read, and the chunk never has to be
 * held in memory whole.
 */
final class WideWriter {

    private final DataSource write;
    private final SourceTable source;
    private final WideTable wide;
    private final ChunkLedger ledger;
    private final String deleteSql;
    private final String shipSendSql;
    private final WriteStallGuard guard;
    // A ship's binary form never changes; asking the server once per ship saves a round trip per chunk.
    private final Map<String, byte[]> shipBytes = new ConcurrentHashMap<>();

    WideWriter(DataSource write, SourceTable source, WideTable wide, ChunkLedger ledger, WriteStallGuard guard) {
        this.guard = guard;
        this.write = write;
        this.source = source;
        this.wide = wide;
        this.ledger = ledger;
        // The window is deleted only while the chunk's claim is still this attempt's, and the answer
        // says whether it was, in the DELETE's own round trip.
        this.deleteSql = "WITH claim AS (SELECT " + ledger.claimHeldSql() + " AS held),"
                + " gone AS (DELETE FROM " + wide.table() + " WHERE " + wide.ship() + " = ? AND " + wide.time() + " >= ? AND " + wide.time() + " < ?"
                + "   AND (SELECT held FROM claim))"
                + " SELECT held FROM claim";
        // The ship id's binary form comes from the server's own send function, so any ship type works.
        this.shipSendSql = "SELECT " + source.shipType().sendFunction() + "(CAST(? AS " + source.shipType().name() + "))";
    }

    /**
     * Opens the chunk's transaction: its window deleted, the COPY started. Fails with
     * {@link LeaseLostException} before any work when the chunk's claim is no longer this attempt's
     * (another claim took it over, see {@link ChunkLedger#claimHeldSql()}).
     *
     * @param owner this process, the claim's owner
     * @param columns the channel columns the COPY lists, those of the pivots it is given
     * @param buffer {@link CopyStream#BUFFER} bytes the COPY encodes into, owned by the chunk's consumer
     */
    Session begin(Chunk chunk, String owner, ChannelColumns.Snapshot columns, byte[] buffer) throws SQLException {
        Connection c = write.getConnection();
        try {
            byte[] ship = shipBytes.get(chunk.ship());
            if (ship == null) {
                ship = shipBytes(c, chunk.ship());
                shipBytes.put(chunk.ship(), ship);
            }
            try (PreparedStatement ps = c.prepareStatement(deleteSql)) {
                int i = ChunkLedger.bindClaim(ps, 1, chunk, owner);
                ps.setString(i, chunk.ship());
                Times.bind(ps, i + 1, chunk.start(), source.timeType());
                Times.bind(ps, i + 2, chunk.end(), source.timeType());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next() || !rs.getBoolean(1)) {
                        throw new LeaseLostException(chunk, owner);
                    }
                }
            }
            String copySql = "COPY " + wide.table() + " (" + columns.copyColumns() + ") FROM STDIN (FORMAT binary)";
            CopyStream out = new CopyStream(c.unwrap(PGConnection.class).getCopyAPI().copyIn(copySql), guard, c, buffer);
            return new Session(chunk, c, ship, out);
        } catch (SQLException | RuntimeException e) {
            Pools.evict(write, c);
            c.close();
            throw e;
        }
    }

    final class Session implements AutoCloseable {

        private final Chunk chunk;
        private final Connection connection;
        private final byte[] ship;
        private final CopyStream out;
        private boolean done;

        private Session(Chunk chunk, Connection connection, byte[] ship, CopyStream out) {
            this.chunk = chunk;
            this.connection = connection;
            this.ship = ship;
            this.out = out;
        }

        /** Streams a read window's wide rows into the COPY. */
        void append(WidePivot pivot) throws SQLException {
            int channels = pivot.channels();
            int fields = channels + 2;
            for (int row = 0; row < pivot.rows(); row++) {
                out.row(fields);
                out.field(ship, 0, ship.length);
                out.longField(pivot.time(row));
                for (int ch = 0; ch < channels; ch++) {
                    if (pivot.has(row, ch)) {
                        pivot.writeCell(row, ch, out);
                    } else {
                        out.nullField();
                    }
                }
            }
        }

        /**
         * Ends the COPY, marks the chunk done with its attempt and commits; returns the wide rows written.
         *
         * @param skipped readings left out because the mapping does not name their channel
         * @param started {@link System#nanoTime()} at the attempt's start
         */
        long commit(String owner, int attempt, long narrowRows, long duplicates, long skipped, long started) throws SQLException {
            long written = out.finish();
            ledger.markDone(connection, chunk, owner, attempt, narrowRows, written, duplicates, skipped, (System.nanoTime() - started) / 1_000_000L);
            connection.commit();
            done = true;
            return written;
        }

        /** Without a commit, the transaction is rolled back and the connection leaves the pool (see {@link Pools#evict}). */
        @Override
        public void close() throws SQLException {
            try {
                if (!done) {
                    out.cancel();
                    Pools.evict(write, connection);
                }
            } finally {
                connection.close();
            }
        }
    }

    private byte[] shipBytes(Connection c, String ship) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(shipSendSql)) {
            ps.setString(1, ship);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBytes(1);
            }
        }
    }
}
