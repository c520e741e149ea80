package dev.amber.agent.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.amber.agent.checkpoint.CheckpointOperations;
import dev.amber.agent.metrics.AgentMetrics;
import dev.amber.agent.node.NodeAgent;
import dev.amber.agent.store.ArchiveFiles;
import dev.amber.retention.ArchiveRecord;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's HTTP API: list, metadata, streamed download and delete of the node's archives; checkpoints taken on
 * request ({@code /v1/checkpoints}, {@link CheckpointHandler}); plus {@code /metrics} and {@code /healthz}. The JDK's
 * server is enough for a handful of endpoints and keeps a web framework (and its threads and jars) out of a process
 * that runs on every node; each request runs on a virtual thread of its own.
 *
 * <p>Invariant: every archive and checkpoint endpoint requires a bearer token (TokenReview through the
 * {@link AccessReviewer}) and is authorised per namespace, by SubjectAccessReview on
 * {@code checkpointarchives.amber.dev}: list, get, get on subresource {@code content} and delete for archives (in the
 * archive's namespace); create for starting a checkpoint (in the pod's namespace) and get for reading an operation
 * (in its pod's namespace). An archive holds a container's memory, and a checkpoint freezes one, so no archive is
 * read or deleted, and no checkpoint started or read, without both; only {@code /healthz} and {@code /metrics} need
 * neither. Errors are JSON, {@code {"error": "one line"}}.
 */
public final class AgentHttpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AgentHttpServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PREFIX = "/v1/archives";

    private final HttpServer server;
    private final NodeAgent agent;
    private final AccessReviewer reviewer;

    /**
     * @param tls null serves plain HTTP (tests, or behind a TLS-terminating proxy on the same host)
     * @param checkpoints takes checkpoints through the node's kubelet; null for an agent without a cluster, whose
     *     checkpoint endpoint answers 503
     */
    public AgentHttpServer(
            InetSocketAddress address,
            SSLContext tls,
            NodeAgent agent,
            AccessReviewer reviewer,
            AgentMetrics metrics,
            CheckpointOperations checkpoints)
            throws IOException {
        if (tls != null) {
            HttpsServer https = HttpsServer.create(address, 0);
            https.setHttpsConfigurator(new HttpsConfigurator(tls));
            server = https;
        } else {
            server = HttpServer.create(address, 0);
        }
        this.agent = agent;
        this.reviewer = reviewer;
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/healthz", ex -> send(ex, 200, "text/plain", "ok\n"));
        server.createContext("/metrics", ex -> send(ex, 200, "text/plain; version=0.0.4", metrics.scrape()));
        server.createContext(PREFIX, this::archives);
        server.createContext(CheckpointHandler.PREFIX, new CheckpointHandler(checkpoints, reviewer));
    }

    public void start() {
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void archives(HttpExchange ex) throws IOException {
        try (ex) {
            String rest = ex.getRequestURI().getRawPath().substring(PREFIX.length());
            String method = ex.getRequestMethod();
            AccessReviewer.User user = authenticate(ex, reviewer);
            if (user == null) {
                return;
            }
            if (rest.isEmpty() || rest.equals("/")) {
                if (!method.equals("GET")) {
                    error(ex, 405, "use GET to list archives");
                    return;
                }
                list(ex, user, query(ex, "namespace"));
                return;
            }
            String[] parts = rest.substring(1).split("/");
            String name = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
            boolean content = parts.length == 2 && parts[1].equals("content");
            if (parts.length > 2 || parts.length == 2 && !content || name.contains("/") || name.startsWith(".")) {
                error(ex, 404, "no such endpoint");
                return;
            }
            ArchiveRecord r = agent.index().get(name);
            // Unknown names and forbidden ones look alike, so nobody learns which archives exist elsewhere.
            String verb = method.equals("DELETE") ? "delete" : "get";
            if (r == null
                    || !reviewer.allowed(
                            user, new AccessReviewer.Access(verb, r.namespace(), content ? "content" : "", name))) {
                error(
                        ex,
                        r == null ? 404 : 403,
                        r == null
                                ? "no archive " + name
                                : user.name() + " may not " + verb + (content ? " the content of " : " ")
                                        + "archives in namespace '" + r.namespace() + "'");
                return;
            }
            switch (method) {
                case "GET" -> {
                    if (content) {
                        download(ex, r);
                    } else {
                        sendJson(ex, 200, json(r));
                    }
                }
                case "DELETE" -> {
                    if (content) {
                        error(ex, 405, "delete the archive, not its content");
                        return;
                    }
                    if (agent.files().isPinned(name)) {
                        // A person pinned it: no API call may delete it (409, not worth retrying), retention neither.
                        error(ex, 409, name + " is pinned by " + name + ArchiveFiles.PIN_SUFFIX + ": not deleting it");
                        return;
                    }
                    boolean deleted = agent.deleteArchive(name);
                    LOG.info("{} deleted {} through the API", user.name(), name);
                    sendJson(
                            ex,
                            deleted ? 200 : 404,
                            JSON.createObjectNode().put("deleted", deleted).put("name", name));
                }
                default -> error(ex, 405, "use GET or DELETE");
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("request {} {} failed: {}", ex.getRequestMethod(), ex.getRequestURI(), e.getMessage());
            try {
                error(ex, 500, e.getMessage());
            } catch (IOException | RuntimeException ignored) {
                // headers already sent: the client sees a cut stream
            }
        }
    }

    /** The caller, or null once a 401 has been sent. */
    static AccessReviewer.User authenticate(HttpExchange ex, AccessReviewer reviewer) throws IOException {
        String header = ex.getRequestHeaders().getFirst("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
            ex.getResponseHeaders().add("WWW-Authenticate", "Bearer");
            error(ex, 401, "a bearer token is required");
            return null;
        }
        AccessReviewer.User user = reviewer.authenticate(header.substring(7).strip());
        if (user == null) {
            ex.getResponseHeaders().add("WWW-Authenticate", "Bearer");
            error(ex, 401, "the token was not accepted");
        }
        return user;
    }

    private void list(HttpExchange ex, AccessReviewer.User user, String namespace) throws IOException {
        // namespace "" asks for every namespace, which needs a cluster-wide grant.
        String ns = namespace == null ? "" : namespace;
        if (!reviewer.allowed(user, new AccessReviewer.Access("list", ns, "", ""))) {
            error(
                    ex,
                    403,
                    user.name() + " may not list archives "
                            + (ns.isEmpty() ? "in all namespaces (add ?namespace=NS)" : "in namespace '" + ns + "'"));
            return;
        }
        List<ArchiveRecord> records =
                ns.isEmpty() ? agent.index().all() : agent.index().inNamespace(ns);
        records.sort(Comparator.comparing(ArchiveRecord::time).thenComparing(ArchiveRecord::fileName));
        ArrayNode items = JSON.createArrayNode();
        records.forEach(r -> items.add(json(r)));
        ObjectNode body = JSON.createObjectNode();
        body.set("items", items);
        sendJson(ex, 200, body);
    }

    private void download(HttpExchange ex, ArchiveRecord r) throws IOException {
        InputStream in;
        try {
            in = Files.newInputStream(agent.files().resolve(r.fileName()));
        } catch (NoSuchFileException e) {
            error(ex, 404, "no archive " + r.fileName());
            return;
        }
        try (in) {
            ex.getResponseHeaders().add("Content-Type", "application/x-tar");
            ex.getResponseHeaders().add("Content-Disposition", "attachment; filename=\"" + r.fileName() + "\"");
            long size = Files.size(agent.files().resolve(r.fileName()));
            ex.sendResponseHeaders(200, size == 0 ? -1 : size);
            try (OutputStream out = ex.getResponseBody()) {
                in.transferTo(out);
            }
        }
    }

    static ObjectNode json(ArchiveRecord r) {
        ObjectNode n = JSON.createObjectNode();
        n.put("name", r.fileName());
        n.put("namespace", r.namespace());
        n.put("pod", r.pod());
        if (r.podUid() != null) {
            n.put("podUid", r.podUid());
        }
        n.put("container", r.container());
        if (r.engine() != null) {
            n.put("engine", r.engine());
        }
        n.put("checkpointed", r.time().toString());
        n.put("size", r.size());
        n.put("pinned", r.pinned());
        if (r.exportedTo() != null) {
            n.put("exportedTo", r.exportedTo());
        }
        if (r.error() != null) {
            n.put("error", r.error());
        }
        return n;
    }

    private static String query(HttpExchange ex, String key) {
        String q = ex.getRequestURI().getRawQuery();
        if (q == null) {
            return null;
        }
        for (String kv : q.split("&")) {
            String[] p = kv.split("=", 2);
            if (p[0].equals(key)) {
                return p.length == 2 ? URLDecoder.decode(p[1], StandardCharsets.UTF_8) : "";
            }
        }
        return null;
    }

    static void sendJson(HttpExchange ex, int status, Object body) throws IOException {
        send(
                ex,
                status,
                "application/json",
                JSON.writerWithDefaultPrettyPrinter().writeValueAsString(body) + "\n");
    }

    static void error(HttpExchange ex, int status, String message) throws IOException {
        sendJson(ex, status, JSON.createObjectNode().put("error", message));
    }

    private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    @Override
    public void close() {
        server.stop(1);
    }
}
