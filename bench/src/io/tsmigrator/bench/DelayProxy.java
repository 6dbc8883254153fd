package io.tsmigrator.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A tiny TCP proxy that adds a fixed one-way latency: it listens on 127.0.0.1 and forwards every
 * connection to a loopback upstream (the database), delaying each chunk of bytes by {@code delayMs}
 * in each direction (bytes that stream in, by up to {@link #COALESCE_NANOS} more). Bandwidth is not
 * limited: a reader thread timestamps what arrives and a writer thread sends it on once its delay has
 * passed, so several chunks can be "on the wire" at once, as on a real link with that latency (a round
 * trip costs 2 × delay).
 */
final class DelayProxy implements AutoCloseable {

    private static final byte[] EOF = new byte[0];

    /**
     * A read this large is part of a stream (PostgreSQL sends a COPY or a result set in 8 kB
     * pieces): the reader then waits {@link #COALESCE_NANOS} before reading on, so that it takes
     * what arrived meanwhile in one piece instead of waking itself and the writer per 8 kB (the
     * proxy's CPU is taken from the two cores the migrator and the database share). A short read (a
     * query, a reply) is followed by the next read at once.
     */
    private static final int STREAMING_READ_BYTES = 8192;
    /** Bytes are stamped when read: a streamed byte is delayed by up to this much more than the latency, never less. */
    private static final long COALESCE_NANOS = 300_000;

    private final ServerSocket server;
    private final InetSocketAddress upstream;
    private final long delayNanos;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    private record Packet(long dueNanos, byte[] bytes) {
    }

    DelayProxy(String upstreamHost, int upstreamPort, double delayMs) throws IOException {
        InetAddress address = InetAddress.getByName(upstreamHost);
        if (!address.isLoopbackAddress()) {
            throw new IllegalArgumentException("the delay proxy forwards only to loopback addresses; " + upstreamHost + " is not one");
        }
        this.upstream = new InetSocketAddress(address, upstreamPort);
        this.delayNanos = (long) (delayMs * 1_000_000L);
        this.server = new ServerSocket();
        this.server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        Thread acceptor = new Thread(this::acceptLoop, "proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Socket db = new Socket();
                db.connect(upstream, 10_000);
                for (Socket s : List.of(client, db)) {
                    s.setTcpNoDelay(true);
                    s.setKeepAlive(true);
                    sockets.add(s);
                }
                pipe(client, db, "c2s");
                pipe(db, client, "s2c");
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("proxy: accept/connect failed: " + e);
                }
            }
        }
    }

    /** One direction: a reader that stamps chunks and a writer that releases them when due. */
    private void pipe(Socket from, Socket to, String name) {
        LinkedBlockingQueue<Packet> queue = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            byte[] buf = new byte[64 * 1024];
            try (InputStream in = from.getInputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    if (n > 0) {
                        byte[] copy = new byte[n];
                        System.arraycopy(buf, 0, copy, 0, n);
                        queue.put(new Packet(System.nanoTime() + delayNanos, copy));
                        if (n >= STREAMING_READ_BYTES) {
                            LockSupport.parkNanos(COALESCE_NANOS);
                        }
                    }
                }
            } catch (IOException | InterruptedException e) {
                // the connection ended
            } finally {
                queue.add(new Packet(System.nanoTime() + delayNanos, EOF));
            }
        }, "proxy-" + name + "-read");
        Thread writer = new Thread(() -> {
            try {
                // Everything already due goes out in one write: the proxy is test equipment on the
                // migrator's two cores, and a write per packet would cost CPU a real link does not.
                OutputStream out = new BufferedOutputStream(to.getOutputStream(), 256 * 1024);
                while (true) {
                    Packet p = queue.poll(1, TimeUnit.SECONDS);
                    if (p == null) {
                        if (closed) {
                            break;
                        }
                        continue;
                    }
                    long wait;
                    while ((wait = p.dueNanos() - System.nanoTime()) > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    boolean eof = false;
                    while (true) {
                        if (p.bytes() == EOF) {
                            eof = true;
                            break;
                        }
                        out.write(p.bytes());
                        Packet next = queue.peek();
                        if (next == null || next.dueNanos() > System.nanoTime()) {
                            break;
                        }
                        p = queue.poll();
                    }
                    out.flush();
                    if (eof) {
                        break;
                    }
                }
            } catch (IOException | InterruptedException e) {
                // the connection ended
            } finally {
                closeQuietly(to);
                closeQuietly(from);
            }
        }, "proxy-" + name + "-write");
        reader.setDaemon(true);
        writer.setDaemon(true);
        reader.start();
        writer.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        for (Socket s : sockets) {
            closeQuietly(s);
        }
    }
}
