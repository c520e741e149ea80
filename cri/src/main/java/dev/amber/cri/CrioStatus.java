package dev.amber.cri;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * CRI-O's own status API, which it serves as plain HTTP beside CRI on the same unix socket
 * ({@code crio status config}): {@code GET /config} answers its whole configuration as TOML, where CRI's
 * verbose Status holds only {@code [crio.runtime]}.
 *
 * <p>Asked as HTTP/1.0, so that the answer is neither chunked nor kept alive: it ends where the stream ends.
 */
public final class CrioStatus {
    /** Larger than any CRI-O configuration (about 20 KiB); a longer answer is not CRI-O's. */
    private static final int MAX_BYTES = 1 << 20;

    private CrioStatus() {}

    /** CRI-O's configuration as TOML. */
    public static String config(Path socket, Duration deadline) throws CriException {
        var executor = Executors.newVirtualThreadPerTaskExecutor();
        try {
            return executor.submit(() -> get(socket, "/config")).get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new CriException(
                    "CRI-O at unix://" + socket + " did not give its configuration: "
                            + e.getCause().getMessage(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw new CriException(
                    "CRI-O at unix://" + socket + " did not give its configuration within " + deadline, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CriException("interrupted while asking CRI-O for its configuration", e);
        } finally {
            executor.shutdownNow();
        }
    }

    private static String get(Path socket, String path) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap(
                    ("GET " + path + " HTTP/1.0\r\nHost: crio\r\n\r\n").getBytes(StandardCharsets.US_ASCII)));
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            var in = Channels.newInputStream(channel);
            for (int n; (n = in.read(buffer)) > 0; ) {
                answer.write(buffer, 0, n);
                if (answer.size() > MAX_BYTES) {
                    throw new IOException("answer longer than " + MAX_BYTES + " bytes");
                }
            }
            return body(answer.toString(StandardCharsets.UTF_8), path);
        }
    }

    /** The body of an HTTP/1.x answer, if its status is 200. */
    static String body(String answer, String path) throws IOException {
        int end = answer.indexOf("\r\n\r\n");
        if (!answer.startsWith("HTTP/1.") || end < 0) {
            throw new IOException("GET " + path + " was not answered with HTTP");
        }
        String status = answer.substring(0, answer.indexOf("\r\n"));
        if (!status.matches("HTTP/1\\.\\d 200( .*)?")) {
            throw new IOException("GET " + path + " answered " + status.substring(status.indexOf(' ') + 1));
        }
        return answer.substring(end + 4);
    }
}
