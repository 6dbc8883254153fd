package io.tsmigrator.migrate;

import org.postgresql.copy.CopyIn;

import java.sql.SQLException;

/**
 * Encodes rows in PostgreSQL's binary COPY format into a reusable buffer and hands full buffers to
 * the server, so a chunk costs a handful of round trips however many rows it has.
 */
final class CopyStream {

    private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0};
    static final int BUFFER = 1 << 20;

    private final CopyIn copy;
    private final WriteStallGuard guard;
    private final java.sql.Connection connection;
    private final byte[] buf;
    private int pos;

    /** @param buffer {@link #BUFFER} bytes, reused from chunk to chunk by the writing thread */
    CopyStream(CopyIn copy, WriteStallGuard guard, java.sql.Connection connection, byte[] buffer) {
        this.buf = buffer;
        this.copy = copy;
        this.guard = guard;
        this.connection = connection;
        System.arraycopy(SIGNATURE, 0, buf, 0, SIGNATURE.length);
        pos = SIGNATURE.length;
        putInt(0);
        putInt(0);
    }

    void row(int fields) throws SQLException {
        if (pos > BUFFER - 65536) {
            flush();
        }
        putShort(fields);
    }

    void field(byte[] bytes, int offset, int length) throws SQLException {
        ensure(length + 4);
        putInt(length);
        System.arraycopy(bytes, offset, buf, pos, length);
        pos += length;
    }

    void longField(long value) throws SQLException {
        ensure(12);
        putInt(8);
        putInt((int) (value >>> 32));
        putInt((int) value);
    }

    void nullField() throws SQLException {
        ensure(4);
        putInt(-1);
    }

    /** Ends the COPY; returns the rows the server counted. */
    long finish() throws SQLException {
        putShort(-1);
        flush();
        return copy.endCopy();
    }

    void cancel() {
        try {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        } catch (SQLException ignored) {
            // the transaction is rolled back by the caller either way
        }
    }

    private void ensure(int bytes) throws SQLException {
        if (pos + bytes > buf.length) {
            flush();
            if (bytes > buf.length) {
                throw new SQLException("a value of " + bytes + " bytes is larger than the COPY buffer");
            }
        }
    }

    private void flush() throws SQLException {
        if (pos > 0) {
            try (WriteStallGuard.Armed armed = guard.arm(connection)) {
                copy.writeToCopy(buf, 0, pos);
            }
            pos = 0;
        }
    }

    private void putInt(int v) {
        buf[pos] = (byte) (v >>> 24);
        buf[pos + 1] = (byte) (v >>> 16);
        buf[pos + 2] = (byte) (v >>> 8);
        buf[pos + 3] = (byte) v;
        pos += 4;
    }

    private void putShort(int v) {
        buf[pos] = (byte) (v >>> 8);
        buf[pos + 1] = (byte) v;
        pos += 2;
    }
}
