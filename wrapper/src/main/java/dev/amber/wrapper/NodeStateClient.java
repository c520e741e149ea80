package dev.amber.wrapper;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Asks {@code GET {nodeStateServerURL}/nodes/{node}}. Uses {@link HttpURLConnection} from
 * java.base rather than java.net.http, which would add a module to the jlink'ed runtime for one
 * request. Short timeouts: the answer must arrive well inside the pod's grace period.
 */
public final class NodeStateClient {
    static final Duration TIMEOUT = Duration.ofSeconds(3);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI server;

    public NodeStateClient(URI server) {
        this.server = server;
    }

    /** The URL the wrapper asks; the server serves exactly this path. */
    URI nodeUri(String node) {
        String base = server.toString().replaceAll("/+$", "");
        return URI.create(base + "/nodes/" + URLEncoder.encode(node, StandardCharsets.UTF_8));
    }

    public NodeStateAnswer ask(String node) {
        if (node == null || node.isBlank()) {
            return NodeStateAnswer.unreachable("KUBERNETES_NODE_NAME is not set (give it from spec.nodeName)");
        }
        URI uri = nodeUri(node);
        try {
            HttpURLConnection http = (HttpURLConnection) uri.toURL().openConnection();
            http.setConnectTimeout((int) TIMEOUT.toMillis());
            http.setReadTimeout((int) TIMEOUT.toMillis());
            http.setRequestProperty("Accept", "application/json");
            int status = http.getResponseCode();
            InputStream body = status >= 400 ? http.getErrorStream() : http.getInputStream();
            JsonNode json = body == null ? null : JSON.readTree(body);
            if (json == null || !json.hasNonNull("state")) {
                return NodeStateAnswer.unreachable(uri + " answered HTTP " + status + " without a state");
            }
            return new NodeStateAnswer(json.get("state").asText(), json.path("reason").asText(""), true);
        } catch (IOException | IllegalArgumentException e) {
            return NodeStateAnswer.unreachable(uri + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
        }
    }
}
