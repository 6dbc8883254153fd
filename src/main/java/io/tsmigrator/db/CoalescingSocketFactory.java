package io.tsmigrator.db;

import javax.net.SocketFactory;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.locks.LockSupport;

/**
 * Sockets for the read pool (pgjdbc's {@code socketFactory} property) that take a streamed result
 * in large pieces instead of one wake-up per piece the server sends.
 *
 * <p>PostgreSQL sends a streamed result (a chunk's {@code COPY … TO STDOUT}, a cursor's fetch) in
 * 8 kB writes, and the consumer, faster than the server, waits for each of them: every 8 kB woke the
 * consumer, which then took the CPU from the backend that woke it, read, and waited again. Measured
 * on the build machine, those switches were four in five of all context switches of a run, and the
 * server's {@code send} was where it most often lost its CPU. Here, once a read has brought a large
 * piece (the server is streaming), the next read of an empty buffer first pauses for
 * {@link #PAUSE_NANOS}: meanwhile no one waits on the socket, so the server's sends wake nobody and
 * it keeps its CPU, and the read that follows takes everything that arrived at once.
 *
 * <p>A request written on the socket ends the stream: its reply is read at once, so round trips
 * (planning, a window's {@code format()}, the end of a COPY) cost no pause, and a stream costs at most
 * one pause more than its own length. The pause is no timeout: a read still blocks until bytes come.
 */
public final class CoalescingSocketFactory extends SocketFactory {

    /**
     * How long a read waits, while a result streams in, before it takes what has arrived. Measured in
     * paired warm runs: 0.2 ms woke the consumer too often, 1.5 ms let the socket buffer fill and held
     * the server up; both were slower than 0.5 ms.
     */
    static final long PAUSE_NANOS = 500_000L;
    /** A read bringing this much is taken for a result streaming in (the server writes 8 kB at a time). */
    static final int STREAMING = 8192;
    /** The most one read takes from the socket. */
    static final int BUFFER = 256 * 1024;

    /** pgjdbc instantiates the factory by its class name. */
    public CoalescingSocketFactory() {
    }

    @Override
    public Socket createSocket() {
        return new CoalescingSocket();
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return connected(new InetSocketAddress(host, port), new InetSocketAddress(localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        return connected(new InetSocketAddress(address, port), new InetSocketAddress(localAddress, localPort));
    }

    private static Socket connected(InetSocketAddress remote, InetSocketAddress... local) throws IOException {
        Socket socket = new CoalescingSocket();
        try {
            if (local.length > 0) {
                socket.bind(local[0]);
            }
            socket.connect(remote);
            return socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** A plain socket (its options, timeouts and close are the JDK's) whose streams pause between the reads of a stream. */
    static class CoalescingSocket extends Socket {

        private Input input;
        private OutputStream output;
        // pgjdbc asks whether the socket is closed once for every row a COPY sends; the JDK's answer
        // takes the socket's close lock each time
        private volatile boolean closed;

        @Override
        public void close() throws IOException {
            closed = true;
            super.close();
        }

        @Override
        public boolean isClosed() {
            return closed;
        }

        @Override
        public synchronized InputStream getInputStream() throws IOException {
            if (input == null) {
                input = new Input(socketInput(), () -> LockSupport.parkNanos(PAUSE_NANOS));
            }
            return input;
        }

        /** The socket's own input, which {@link Input} reads. */
        InputStream socketInput() throws IOException {
            return super.getInputStream();
        }

        @Override
        public synchronized OutputStream getOutputStream() throws IOException {
            if (output == null) {
                Input in = (Input) getInputStream();
                output = new FilterOutputStream(super.getOutputStream()) {
                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        in.requestSent();
                        out.write(b, off, len);
                    }

                    @Override
                    public void write(int b) throws IOException {
                        in.requestSent();
                        out.write(b);
                    }
                };
            }
            return output;
        }
    }

    /** The socket's input, read into a large buffer; one connection is used by one thread at a time. */
    static final class Input extends InputStream {

        private final InputStream socket;
        private final Runnable pause;
        private final byte[] buffer = new byte[BUFFER];
        private int position;
        private int limit;
        private boolean streaming;

        Input(InputStream socket, Runnable pause) {
            this.socket = socket;
            this.pause = pause;
        }

        void requestSent() {
            streaming = false;
        }

        @Override
        public int read() throws IOException {
            if (position == limit && !fill()) {
                return -1;
            }
            return buffer[position++] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (position == limit && !fill()) {
                return -1;
            }
            int n = Math.min(len, limit - position);
            System.arraycopy(buffer, position, b, off, n);
            position += n;
            return n;
        }

        @Override
        public int available() throws IOException {
            return position < limit ? limit - position : socket.available();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }

        private boolean fill() throws IOException {
            if (streaming) {
                pause.run();
            }
            int n = socket.read(buffer, 0, buffer.length);
            if (n < 0) {
                return false;
            }
            position = 0;
            limit = n;
            streaming = n >= STREAMING;
            return true;
        }
    }
}
