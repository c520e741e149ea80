package dev.amber.image.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.amber.image.oci.Digests;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The blob half of the distribution API in the JDK's HTTP server, in memory, failing on cue: each upload
 * chunk ({@code PATCH}) and each blob download ({@code GET}) takes the next {@link Fault} of its script, and
 * runs normally once the script is used up. It answers as docker-registry 2.8 does where the client cares:
 * {@code Range: 0-N} after every chunk and on an upload's status, 416 to a chunk that does not start where
 * the upload stands, a changing {@code _state} query in {@code Location}, 206 to a {@code Range} request.
 * A dropped connection is a handler that throws: the JDK's server then closes the socket without an answer.
 *
 * <p>Every request is logged in a short form ({@code "PATCH u1 0-99"}), so tests can assert exactly which
 * requests a push or pull made.
 */
final class ScriptedRegistry implements AutoCloseable {
    static final String REPOSITORY = "ckpt/scripted";

    enum Fault {
        NONE,
        /** Drops the connection before reading the request. */
        DROP,
        /** Reads half of a chunk, drops the connection and forgets the upload, as docker-registry does. */
        DROP_MID_CHUNK_AND_FORGET,
        /** Keeps the whole chunk, then drops the connection: the answer is lost, the bytes are not. */
        LOSE_ANSWER,
        /** Answers 416 to a chunk and keeps nothing of it, as to a chunk the registry thinks out of step. */
        OUT_OF_STEP,
        /** Answers 403 to a chunk, as a registry does whose quota or permissions forbid the push. */
        REFUSE,
        /** Sends a blob's headers and its first {@link #cutBodiesAfter} bytes, then drops the connection. */
        CUT_BODY
    }

    private static final String PREFIX = "/v2/" + REPOSITORY + "/blobs/";

    private final HttpServer server;
    private final Map<String, ByteArrayOutputStream> uploads = new ConcurrentHashMap<>();
    private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final Deque<Fault> chunkScript = new ArrayDeque<>();
    private final Deque<Fault> downloadScript = new ArrayDeque<>();
    private volatile long cutBodiesAfter;
    private int nextUpload = 1;

    ScriptedRegistry() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext(PREFIX, this::handle);
        server.start();
    }

    String hostPort() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    synchronized ScriptedRegistry scriptChunks(Fault... faults) {
        chunkScript.addAll(Arrays.asList(faults));
        return this;
    }

    synchronized ScriptedRegistry scriptDownloads(long cutAfter, Fault... faults) {
        cutBodiesAfter = cutAfter;
        downloadScript.addAll(Arrays.asList(faults));
        return this;
    }

    /** Stores a blob as a finished push would, and returns its digest. */
    String addBlob(byte[] data) {
        String digest = Digests.sha256(data);
        blobs.put(digest, data.clone());
        return digest;
    }

    byte[] blob(String digest) {
        return blobs.get(digest);
    }

    List<String> requests() {
        return List.copyOf(requests);
    }

    private synchronized Fault next(Deque<Fault> script) {
        return script.isEmpty() ? Fault.NONE : script.poll();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String rest = exchange.getRequestURI().getPath().substring(PREFIX.length());
        String query = exchange.getRequestURI().getRawQuery();
        if (rest.startsWith("uploads/")) {
            String id = rest.substring("uploads/".length());
            switch (method) {
                case "POST" -> startUpload(exchange);
                case "PATCH" -> chunk(exchange, id);
                case "GET" -> status(exchange, id);
                case "PUT" -> commit(exchange, id, query);
                default -> answer(exchange, 405, null);
            }
        } else if (method.equals("GET")) {
            download(exchange, rest);
        } else {
            answer(exchange, 405, null);
        }
    }

    private void startUpload(HttpExchange exchange) throws IOException {
        String id;
        synchronized (this) {
            id = "u" + nextUpload++;
        }
        requests.add("POST " + id);
        uploads.put(id, new ByteArrayOutputStream());
        exchange.getResponseHeaders().set("Location", location(id));
        answer(exchange, 202, null);
    }

    private void chunk(HttpExchange exchange, String id) throws IOException {
        String range = exchange.getRequestHeaders().getFirst("Content-Range");
        requests.add("PATCH " + id + " " + range);
        Fault fault = next(chunkScript);
        if (fault == Fault.DROP) {
            throw new IllegalStateException("scripted: connection dropped");
        }
        if (fault == Fault.DROP_MID_CHUNK_AND_FORGET) {
            exchange.getRequestBody()
                    .readNBytes(Integer.parseInt(exchange.getRequestHeaders().getFirst("Content-Length")) / 2);
            uploads.remove(id);
            throw new IllegalStateException("scripted: connection dropped mid-chunk");
        }
        byte[] body = exchange.getRequestBody().readAllBytes();
        if (fault == Fault.REFUSE) {
            answer(exchange, 403, error("DENIED", "requested access to the resource is denied"));
            return;
        }
        ByteArrayOutputStream upload = uploads.get(id);
        if (upload == null) {
            answer(exchange, 404, error("BLOB_UPLOAD_UNKNOWN", "blob upload unknown to registry"));
            return;
        }
        if (fault == Fault.OUT_OF_STEP || Long.parseLong(range.substring(0, range.indexOf('-'))) != upload.size()) {
            answer(exchange, 416, error("BLOB_UPLOAD_INVALID", "invalid content range"));
            return;
        }
        upload.write(body);
        if (fault == Fault.LOSE_ANSWER) {
            throw new IllegalStateException("scripted: answer lost");
        }
        exchange.getResponseHeaders().set("Location", location(id));
        exchange.getResponseHeaders().set("Range", "0-" + (upload.size() - 1));
        answer(exchange, 202, null);
    }

    private void status(HttpExchange exchange, String id) throws IOException {
        requests.add("GET " + id);
        ByteArrayOutputStream upload = uploads.get(id);
        if (upload == null) {
            answer(exchange, 404, error("BLOB_UPLOAD_UNKNOWN", "blob upload unknown to registry"));
            return;
        }
        exchange.getResponseHeaders().set("Location", location(id));
        exchange.getResponseHeaders().set("Range", "0-" + (upload.size() - 1));
        answer(exchange, 204, null);
    }

    private void commit(HttpExchange exchange, String id, String query) throws IOException {
        requests.add("PUT " + id);
        ByteArrayOutputStream upload = uploads.remove(id);
        String digest = query == null ? "" : query.replaceAll(".*digest=", "").replace("%3A", ":");
        if (upload == null || !Digests.sha256(upload.toByteArray()).equals(digest)) {
            answer(exchange, 400, error("DIGEST_INVALID", "provided digest did not match uploaded content"));
            return;
        }
        blobs.put(digest, upload.toByteArray());
        answer(exchange, 201, null);
    }

    private void download(HttpExchange exchange, String digest) throws IOException {
        String range = exchange.getRequestHeaders().getFirst("Range");
        requests.add("GET blob" + (range == null ? "" : " " + range));
        Fault fault = next(downloadScript);
        if (fault == Fault.DROP) {
            throw new IllegalStateException("scripted: connection dropped");
        }
        byte[] blob = blobs.get(digest);
        if (blob == null) {
            answer(exchange, 404, error("BLOB_UNKNOWN", "blob unknown to registry"));
            return;
        }
        int from = range == null ? 0 : Integer.parseInt(range.substring("bytes=".length(), range.length() - 1));
        byte[] body = Arrays.copyOfRange(blob, from, blob.length);
        if (range != null) {
            exchange.getResponseHeaders()
                    .set("Content-Range", "bytes " + from + "-" + (blob.length - 1) + "/" + blob.length);
        }
        exchange.sendResponseHeaders(range == null ? 200 : 206, body.length);
        OutputStream out = exchange.getResponseBody();
        if (fault == Fault.CUT_BODY) {
            out.write(body, 0, (int) Math.min(cutBodiesAfter, body.length));
            out.flush();
            throw new IllegalStateException("scripted: download cut short");
        }
        out.write(body);
        out.close();
    }

    /** Like docker-registry's {@code _state}, the query changes with every answer and must be sent back. */
    private String location(String id) {
        ByteArrayOutputStream upload = uploads.get(id);
        return PREFIX + "uploads/" + id + "?_state=" + (upload == null ? 0 : upload.size());
    }

    private static byte[] error(String code, String message) {
        return ("{\"errors\":[{\"code\":\"" + code + "\",\"message\":\"" + message + "\"}]}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static void answer(HttpExchange exchange, int status, byte[] body) throws IOException {
        if (body == null) {
            exchange.sendResponseHeaders(status, -1);
        } else {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
        }
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
