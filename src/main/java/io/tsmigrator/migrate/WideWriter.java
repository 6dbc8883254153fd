package io.tsmigrator.migrate;

import io.tsmigrator.db.Pools;
import io.tsmigrator.ledger.Chunk;
import io.tsmigrator.ledger.ChunkLedger;
import io.tsmigrator.source.SourceTable;
import io.tsmigrator.source.Times;
import io.tsmigrator.target.WideTable;
import org.postgresql.PGConnection;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Writes a chunk's wide rows and marks it done in one transaction: delete the chunk's window in the
 * wide table, binary COPY the pivot in, update the ledger. The chunk owns its window, so running it
 * again (after a crash, a retry or a replay) leaves exactly the same rows: never a duplicate, never
 * a half-written chunk.
 */
final class WideWriter {

    private final DataSource write;
    private final SourceTable source;
    private final WideTable wide;
    private final ChunkLedger ledger;
    private final String deleteSql;
    private final String copySql;
    private final String shipSendSql;
    private final WriteStallGuard guard;

    WideWriter(DataSource write, SourceTable source, WideTable wide, ChunkLedger ledger, WriteStallGuard guard) {
        this.guard = guard;
        this.write = write;
        this.source = source;
        this.wide = wide;
        this.ledger = ledger;
        this.deleteSql = "DELETE FROM " + wide.table() + " WHERE " + wide.ship() + " = ? AND " + wide.time() + " >= ? AND " + wide.time() + " < ?";
        this.copySql = "COPY " + wide.table() + " (" + wide.columnList() + ") FROM STDIN (FORMAT binary)";
        // The ship id's binary form comes from the server's own send function, so any ship type works.
        this.shipSendSql = "SELECT " + source.shipType().sendFunction() + "(CAST(? AS " + source.shipType().name() + "))";
    }

    /** Returns the wide rows written. */
    long write(Chunk chunk, WidePivot pivot, String owner) throws SQLException {
        try (Connection c = write.getConnection()) {
            try {
                byte[] ship = shipBytes(c, chunk.ship());
                try (PreparedStatement ps = c.prepareStatement(deleteSql)) {
                    ps.setString(1, chunk.ship());
                    Times.bind(ps, 2, chunk.start(), source.timeType());
                    Times.bind(ps, 3, chunk.end(), source.timeType());
                    ps.executeUpdate();
                }
                long written = copy(c, ship, pivot);
                ledger.markDone(c, chunk, owner, pivot.narrowRows(), written, pivot.duplicates());
                c.commit();
                return written;
            } catch (SQLException | RuntimeException e) {
                Pools.evict(write, c);
                throw e;
            }
        }
    }

    private long copy(Connection c, byte[] ship, WidePivot pivot) throws SQLException {
        CopyStream out = new CopyStream(c.unwrap(PGConnection.class).getCopyAPI().copyIn(copySql), guard, c);
        int channels = pivot.channels();
        int fields = channels + 2;
        try {
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
            return out.finish();
        } catch (SQLException | RuntimeException e) {
            out.cancel();
            throw e;
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
