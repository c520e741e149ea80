package dev.amber.image.registry;

import dev.amber.image.BlobContent;
import dev.amber.image.ImageException;
import dev.amber.image.ProgressListener;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Iterator;

/**
 * One chunked blob upload: {@code POST} starts it, each {@code PATCH} with {@code Content-Range} sends a
 * chunk, {@code PUT ?digest=} finishes it.
 *
 * <p>Invariant: unless a chunk is in doubt, {@code location} and {@code offset} are where the registry last
 * said the upload stands, and the next chunk starts at {@code offset}. A chunk is in doubt from the moment
 * it is sent until the registry accepts it; while it is, nothing more is sent before the registry is asked
 * ({@code GET} on the location) how many bytes it kept. Guessing instead would either resend what the
 * registry holds or leave a gap it refuses; asking costs one request and at most a chunk's worth of resending.
 */
final class BlobUpload {
    /** The JDK's stream publisher reads 16 KiB at a time, which costs a quarter more CPU on a 1 GiB upload. */
    private static final int PIECE = 1 << 20;

    private final RegistryHttp http;
    private final BlobContent content;
    private final long chunkBytes;
    private final String action;
    private final ProgressListener progress;
    private URI location;
    private long offset;
    private boolean chunkInDoubt;

    private BlobUpload(
            RegistryHttp http,
            BlobContent content,
            long chunkBytes,
            String action,
            ProgressListener progress,
            URI location) {
        this.http = http;
        this.content = content;
        this.chunkBytes = chunkBytes;
        this.action = action;
        this.progress = progress;
        this.location = location;
    }

    /**
     * Starts an upload with the registry.
     *
     * @param action what the upload is, for error messages ("upload of layer")
     */
    static BlobUpload start(
            RegistryHttp http, BlobContent content, long chunkBytes, String action, ProgressListener progress)
            throws ImageException {
        return new BlobUpload(http, content, chunkBytes, action, progress, startAt(http, action));
    }

    /** The registry holds every byte of the blob, and has said so. */
    boolean isComplete() {
        return !chunkInDoubt && offset >= content.size();
    }

    /**
     * Sends the chunk at the registry's offset. After a failed chunk it first resumes, which may find that the
     * registry holds everything already (the chunk arrived, only its answer was lost) and nothing is left to send.
     *
     * @throws RegistryConnectionException when the connection failed; the chunk is in doubt
     * @throws RetryPolicy.RetryableAnswer when the registry disagrees about the offset (416); the chunk is in doubt
     */
    void sendNextChunk() throws ImageException {
        if (chunkInDoubt) {
            resume();
            if (isComplete()) {
                return;
            }
        }
        long size = content.size();
        long length = Math.min(chunkBytes, size - offset);
        chunkInDoubt = true;
        HttpResponse<byte[]> response = http.send(
                http.request(location)
                        .header("Content-Type", "application/octet-stream")
                        .header("Content-Range", offset + "-" + (offset + length - 1))
                        .method("PATCH", slice(offset, length)),
                HttpResponse.BodyHandlers.ofByteArray(),
                action);
        if (response.statusCode() == 416) {
            throw new RetryPolicy.RetryableAnswer(http.failure(action, response));
        }
        if (response.statusCode() != 202) {
            throw http.failure(action, response);
        }
        location = http.resolve(response.headers().firstValue("Location").orElse(location.toString()));
        long end = RegistryStore.rangeEnd(response.headers().firstValue("Range").orElse(null));
        offset = end >= 0 ? end + 1 : offset + length;
        chunkInDoubt = false;
        progress.progress("uploading", offset, size);
    }

    /**
     * Asks the registry where the upload stands and continues from there; a registry that forgot the upload
     * (as docker-registry does when a chunk was cut short) gets a new one, from the first byte.
     */
    void resume() throws ImageException {
        HttpResponse<byte[]> response =
                http.send(http.request(location).GET(), HttpResponse.BodyHandlers.ofByteArray(), action);
        if (response.statusCode() == 404) {
            location = startAt(http, action);
            offset = 0;
        } else if (response.statusCode() != 204 && response.statusCode() != 200) {
            throw http.failure(action, response);
        } else {
            location = http.resolve(response.headers().firstValue("Location").orElse(location.toString()));
            offset = RegistryStore.rangeEnd(
                            response.headers().firstValue("Range").orElse(null))
                    + 1;
        }
        chunkInDoubt = false;
    }

    /** Commits the uploaded bytes as the blob {@code digest}; the registry checks the digest against them. */
    void finish(String digest) throws ImageException {
        URI commit = URI.create(location + (location.getQuery() == null ? "?" : "&") + "digest=" + digest);
        HttpResponse<byte[]> done = http.send(
                http.request(commit)
                        .header("Content-Type", "application/octet-stream")
                        .PUT(HttpRequest.BodyPublishers.noBody()),
                HttpResponse.BodyHandlers.ofByteArray(),
                action);
        if (done.statusCode() != 201) {
            throw http.failure(action, done);
        }
    }

    private static URI startAt(RegistryHttp http, String action) throws ImageException {
        HttpResponse<byte[]> response = http.send(
                http.request(http.repositoryUri("blobs/uploads/")).POST(HttpRequest.BodyPublishers.noBody()),
                HttpResponse.BodyHandlers.ofByteArray(),
                action);
        if (response.statusCode() != 202) {
            throw http.failure(action, response);
        }
        return http.resolve(response.headers().firstValue("Location").orElse(null));
    }

    /**
     * One chunk of the blob, re-readable for a retry of the same request, read in {@link #PIECE}s and
     * reporting progress as each piece is sent.
     */
    private HttpRequest.BodyPublisher slice(long start, long length) {
        Iterable<byte[]> pieces = () -> new Iterator<>() {
            private InputStream in;
            private long sent = start;

            @Override
            public boolean hasNext() {
                if (sent < start + length) {
                    return true;
                }
                closeQuietly(in);
                return false;
            }

            @Override
            public byte[] next() {
                try {
                    if (in == null) {
                        in = content.open(start);
                    }
                    byte[] piece = in.readNBytes((int) Math.min(PIECE, start + length - sent));
                    if (piece.length == 0) {
                        throw new EOFException("blob ended at byte " + sent + " of " + content.size());
                    }
                    sent += piece.length;
                    progress.progress("uploading", sent, content.size());
                    return piece;
                } catch (IOException e) {
                    closeQuietly(in);
                    throw new UncheckedIOException(e);
                }
            }
        };
        return HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofByteArrays(pieces), length);
    }

    private static void closeQuietly(InputStream in) {
        if (in != null) {
            try {
                in.close();
            } catch (IOException ignored) {
                // a file opened for reading; nothing is lost
            }
        }
    }
}
