package dev.amber.wrapper;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * Asks {@code GET {nodeStateServerURL}/nodes/{node}}. Uses {@link HttpURLConnection} from
 * java.base rather than java.net.http, which would add a module to the jlink'ed runtime for one
 * request. Short timeouts: the answer must arrive well inside the pod's grace period.
 */
public final class NodeStateClient {
    static final Duration TIMEOUT = Duration.ofSeconds(3);

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
            Object json = body == null
                    ? null
                    : WrapperConfigLoader.readYaml(new String(body.readAllBytes(), StandardCharsets.UTF_8));
            if (!(json instanceof Map<?, ?> map) || map.get("state") == null) {
                return NodeStateAnswer.unreachable(uri + " answered HTTP " + status + " without a state");
            }
            return new NodeStateAnswer(
                    String.valueOf(map.get("state")),
                    map.get("reason") == null ? "" : String.valueOf(map.get("reason")),
                    true);
        } catch (IOException | RuntimeException e) {
            return NodeStateAnswer.unreachable(
                    uri + ": " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()));
        }
    }
}
