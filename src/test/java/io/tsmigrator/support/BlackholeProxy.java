package io.tsmigrator.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A TCP proxy on 127.0.0.1 in front of the test server that can silently stop forwarding on the
 * connections it has (no RST, no FIN: the sockets stay open and bytes just stop), the way a
 * firewall or load balancer drops a connection it has forgotten. New connections work normally.
 */
public final class BlackholeProxy implements AutoCloseable {

    private final ServerSocket server;
    private final int targetPort;
    private final List<Link> links = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    public BlackholeProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "blackhole-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Every connection open now stops forwarding, silently and for good. Returns how many. */
    public int blackholeExisting() {
        int n = 0;
        for (Link link : links) {
            if (link.silenced.compareAndSet(false, true)) {
                n++;
            }
        }
        return n;
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                Link link = new Link(client, upstream);
                links.add(link);
                pump(link, client.getInputStream(), upstream.getOutputStream());
                pump(link, upstream.getInputStream(), client.getOutputStream());
            } catch (IOException e) {
                if (!closed) {
                    continue;
                }
                return;
            }
        }
    }

    private static void pump(Link link, InputStream in, OutputStream out) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[65536];
            try {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    while (link.silenced.get() && !link.closed) {
                        Thread.sleep(100);
                    }
                    if (link.closed) {
                        return;
                    }
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException | InterruptedException ignored) {
                // the link is gone
            } finally {
                if (!link.silenced.get()) {
                    link.close();
                }
            }
        }, "blackhole-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        for (Link link : links) {
            link.close();
        }
    }

    private static final class Link {
        final Socket a;
        final Socket b;
        final AtomicBoolean silenced = new AtomicBoolean();
        volatile boolean closed;

        Link(Socket a, Socket b) {
            this.a = a;
            this.b = b;
        }

        void close() {
            closed = true;
            try {
                a.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            try {
                b.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
