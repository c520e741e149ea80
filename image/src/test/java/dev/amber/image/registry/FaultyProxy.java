package dev.amber.image.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy in front of a real registry that fails the way networks do: once {@code failAfter} bytes
 * have gone from client to registry it cuts every open connection, either once in the middle of a
 * request ({@link Mode#DROP_ONCE}), once just as the next upload chunk starts
 * ({@link Mode#DROP_ONCE_BETWEEN_CHUNKS}, so the registry holds exactly the chunks before it), or for good,
 * refusing new connections too ({@link Mode#DIE}, a registry that went away). {@link Mode#DROP_ONCE_DOWNLOADING}
 * counts the other way: it cuts once {@code failAfter} bytes have come from the registry.
 */
final class FaultyProxy implements AutoCloseable {
    enum Mode {
        DROP_ONCE,
        DROP_ONCE_BETWEEN_CHUNKS,
        DROP_ONCE_DOWNLOADING,
        DIE
    }

    private final ServerSocket server;
    private final int targetPort;
    private final long failAfter;
    private final Mode mode;
    private final AtomicLong upstreamBytes = new AtomicLong();
    private final AtomicLong downstreamBytes = new AtomicLong();
    private final AtomicInteger drops = new AtomicInteger();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private volatile boolean failed;

    FaultyProxy(int targetPort, long failAfter, Mode mode) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.targetPort = targetPort;
        this.failAfter = failAfter;
        this.mode = mode;
        Thread acceptor = new Thread(this::acceptLoop, "faulty-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String hostPort() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    /** Bytes that reached the registry from the client, including what a cut connection carried. */
    long upstreamBytes() {
        return upstreamBytes.get();
    }

    /** Bytes that came back from the registry. */
    long downstreamBytes() {
        return downstreamBytes.get();
    }

    int drops() {
        return drops.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                open.add(client);
                open.add(upstream);
                pump(client, upstream, true);
                pump(upstream, client, false);
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void pump(Socket from, Socket to, boolean countsUpstream) {
        Thread t = new Thread(
                () -> {
                    byte[] buffer = new byte[64 * 1024];
                    try (InputStream in = from.getInputStream();
                            OutputStream out = to.getOutputStream()) {
                        int n;
                        while ((n = in.read(buffer)) > 0) {
                            if (!countsUpstream
                                    && downstreamBytes.addAndGet(n) > failAfter
                                    && !failed
                                    && mode == Mode.DROP_ONCE_DOWNLOADING) {
                                fail();
                                return;
                            }
                            if (countsUpstream
                                    && !failed
                                    && mode == Mode.DROP_ONCE_BETWEEN_CHUNKS
                                    && upstreamBytes.get() > failAfter
                                    && new String(buffer, 0, Math.min(n, 6), StandardCharsets.US_ASCII)
                                            .equals("PATCH ")) {
                                fail();
                                return;
                            }
                            if (countsUpstream
                                    && !failed
                                    && (mode == Mode.DROP_ONCE || mode == Mode.DIE)
                                    && upstreamBytes.get() + n > failAfter) {
                                int allowed = (int) (failAfter - upstreamBytes.get());
                                out.write(buffer, 0, allowed);
                                upstreamBytes.addAndGet(allowed);
                                fail();
                                return;
                            }
                            out.write(buffer, 0, n);
                            if (countsUpstream) {
                                upstreamBytes.addAndGet(n);
                            }
                        }
                    } catch (IOException e) {
                        // the other direction or the fault closed the connection
                    } finally {
                        closeQuietly(from);
                        closeQuietly(to);
                    }
                },
                "faulty-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private synchronized void fail() {
        if (failed) {
            return;
        }
        failed = true;
        drops.incrementAndGet();
        for (Socket s : open) {
            closeQuietly(s);
        }
        open.clear();
        if (mode == Mode.DIE) {
            closeQuietly(server);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // already closed
        }
    }

    @Override
    public void close() {
        closeQuietly(server);
        open.forEach(FaultyProxy::closeQuietly);
    }
}
