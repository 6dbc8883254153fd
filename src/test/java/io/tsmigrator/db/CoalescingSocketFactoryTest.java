package io.tsmigrator.db;

import io.tsmigrator.support.TestDb;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;
import org.postgresql.ds.PGSimpleDataSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The read pool's sockets take a streamed result in large pieces, and a request's reply without a pause. */
class CoalescingSocketFactoryTest {

    @Test
    void aReadAfterALargePiecePausesFirstAndARequestEndsTheStream() throws IOException {
        // what the server's writes bring, read by read: two streamed pieces, a short end, then a reply after a request
        Pieces socket = new Pieces(8192, 8192, 300, 8192, 8192, 40);
        List<String> events = socket.events;
        CoalescingSocketFactory.Input input = new CoalescingSocketFactory.Input(socket, () -> events.add("pause"));
        byte[] into = new byte[CoalescingSocketFactory.BUFFER];

        assertEquals(8192, input.read(into, 0, into.length));
        assertEquals(8192, input.read(into, 0, into.length));
        assertEquals(300, input.read(into, 0, into.length));
        assertEquals(8192, input.read(into, 0, into.length));
        input.requestSent();
        assertEquals(8192, input.read(into, 0, into.length));
        assertEquals(40, input.read(into, 0, into.length));
        assertEquals(List.of("read 8192", "pause", "read 8192", "pause", "read 300", "read 8192", "read 8192", "pause", "read 40"), events);
    }

    @Test
    void smallReadsAreServedFromTheBufferAndTheBytesArriveInOrder() throws IOException {
        byte[] data = new byte[20000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31);
        }
        AtomicInteger pauses = new AtomicInteger();
        CoalescingSocketFactory.Input input = new CoalescingSocketFactory.Input(new ByteArrayInputStream(data), pauses::incrementAndGet);
        byte[] back = new byte[data.length];
        back[0] = (byte) input.read();
        int at = 1;
        while (at < data.length) {
            assertEquals(data.length - at, input.available());
            int n = input.read(back, at, Math.min(100, data.length - at));
            at += n;
        }
        assertArrayEquals(data, back);
        assertEquals(-1, input.read());
        assertEquals(1, pauses.get(), "the whole of it came in one read, then the end of the stream after one pause");
    }

    /**
     * A real server's COPY through the factory's socket: every row arrives, in reads larger than the
     * server's 8 kB writes on average, and the connection answers its next request. The rows cost
     * the server an md5 each, so that the consumer is the faster side, as a migrator's is.
     */
    @Test
    void aCopyStreamedFromTheServerArrivesWholeInLargePieces() throws SQLException, IOException {
        TestDb db = new TestDb();
        PGSimpleDataSource source = new PGSimpleDataSource();
        source.setUrl(db.url());
        source.setUser(TestDb.USER);
        source.setSocketFactory(CountingFactory.class.getName());
        long bytes = 0;
        long rows = 0;
        CountingFactory.reads.set(0);
        try (Connection c = source.getConnection()) {
            CopyOut copy = c.unwrap(PGConnection.class).getCopyAPI()
                    .copyOut("COPY (SELECT i, md5(i::text) FROM generate_series(1, 400000) i) TO STDOUT (FORMAT binary)");
            byte[] row;
            while ((row = copy.readFromCopy()) != null) {
                bytes += row.length;
                rows++;
            }
            assertEquals(400000, copy.getHandledRowCount());
            // and the connection goes on answering requests
            try (java.sql.Statement s = c.createStatement(); java.sql.ResultSet rs = s.executeQuery("SELECT 42")) {
                rs.next();
                assertEquals(42, rs.getInt(1));
            }
            assertFalse(CountingFactory.last.isClosed(), "open while the connection is");
        }
        assertTrue(CountingFactory.last.isClosed(), "closed with the connection (pgjdbc asks before every COPY row)");
        assertEquals(400001, rows, "a message per row (the first one also carries the header), then the trailer's");
        int reads = CountingFactory.reads.get();
        // Measured here: ~36 kB a read with the pause, 11-13 kB without it. The bound is the server's
        // write size, not a figure between the two: how fast each side is depends on the machine, and
        // what decides when to pause is checked exactly above.
        assertTrue(reads * 8192L < bytes, "COPY of " + bytes + " bytes took " + reads + " socket reads");
    }

    /** The factory's sockets, counting the reads they make of the socket itself. */
    public static final class CountingFactory extends javax.net.SocketFactory {

        static final AtomicInteger reads = new AtomicInteger();
        static volatile java.net.Socket last;

        public CountingFactory() {
        }

        @Override
        public java.net.Socket createSocket() {
            last = new CoalescingSocketFactory.CoalescingSocket() {
                @Override
                InputStream socketInput() throws IOException {
                    InputStream in = super.socketInput();
                    return new InputStream() {
                        @Override
                        public int read() throws IOException {
                            reads.incrementAndGet();
                            return in.read();
                        }

                        @Override
                        public int read(byte[] b, int off, int len) throws IOException {
                            reads.incrementAndGet();
                            return in.read(b, off, len);
                        }

                        @Override
                        public int available() throws IOException {
                            return in.available();
                        }
                    };
                }
            };
            return last;
        }

        @Override
        public java.net.Socket createSocket(String host, int port) {
            throw new UnsupportedOperationException();
        }

        @Override
        public java.net.Socket createSocket(String host, int port, java.net.InetAddress localHost, int localPort) {
            throw new UnsupportedOperationException();
        }

        @Override
        public java.net.Socket createSocket(java.net.InetAddress host, int port) {
            throw new UnsupportedOperationException();
        }

        @Override
        public java.net.Socket createSocket(java.net.InetAddress address, int port, java.net.InetAddress localAddress, int localPort) {
            throw new UnsupportedOperationException();
        }
    }

    /** A socket's input that brings the given number of bytes per read, noting each read. */
    private static final class Pieces extends InputStream {

        final List<String> events = new ArrayList<>();
        private final int[] sizes;
        private int next;

        Pieces(int... sizes) {
            this.sizes = sizes;
        }

        @Override
        public int read() {
            throw new UnsupportedOperationException("the input reads in pieces");
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (next == sizes.length) {
                return -1;
            }
            int n = sizes[next++];
            events.add("read " + n);
            return n;
        }
    }
}
