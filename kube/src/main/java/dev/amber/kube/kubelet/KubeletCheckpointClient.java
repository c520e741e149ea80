package dev.amber.kube.kubelet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.amber.errors.OneLine;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLException;

/**
 * Takes checkpoints through the kubelet API ({@code POST /checkpoint/{ns}/{pod}/{container}}), as used by
 * the agent and the operator. Retries what the kubelet reports as transient (5xx other than "not
 * supported", dropped connections) with backoff; turns the rest into messages that name the fix.
 * Timeouts are not retried: the checkpoint may still be running, and a second one would freeze the
 * container again.
 */
public final class KubeletCheckpointClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CheckpointTransport transport;
    private final int attempts;
    private final Duration backoff;

    public KubeletCheckpointClient(CheckpointTransport transport, int attempts, Duration backoff) {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1");
        }
        this.transport = transport;
        this.attempts = attempts;
        this.backoff = backoff;
    }

    /** Through the API server's node proxy: needs {@code create} on {@code nodes/proxy}. */
    public static KubeletCheckpointClient viaApiServer(KubernetesClient client, String node) {
        return new KubeletCheckpointClient(new ApiServerTransport(client, node), 3, Duration.ofSeconds(1));
    }

    /** Through any transport (e.g. {@link DirectKubeletTransport#insecure}), with the default retries. */
    public static KubeletCheckpointClient over(CheckpointTransport transport) {
        return new KubeletCheckpointClient(transport, 3, Duration.ofSeconds(1));
    }

    /** Directly to a kubelet with a service-account token: needs {@code create} on {@code nodes/checkpoint}. */
    public static KubeletCheckpointClient direct(URI kubelet, Path tokenFile, Path caFile) throws IOException {
        return new KubeletCheckpointClient(
                new DirectKubeletTransport(kubelet, tokenFile, caFile), 3, Duration.ofSeconds(1));
    }

    /**
     * @param timeout passed to the kubelet (whole seconds, at least 1) and used, with a margin, for the request
     * @return the paths of the archives the kubelet wrote, on the node
     */
    public List<String> checkpoint(String namespace, String pod, String container, Duration timeout)
            throws IOException {
        long seconds = Math.max(1, (timeout.toMillis() + 999) / 1000);
        String what = namespace + "/" + pod + "/" + container;
        String path = "/checkpoint/" + enc(namespace) + "/" + enc(pod) + "/" + enc(container) + "?timeout=" + seconds;
        Duration requestTimeout = Duration.ofSeconds(seconds + 10);
        IOException last = null;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            CheckpointTransport.Response r;
            try {
                r = transport.post(path, requestTimeout);
            } catch (HttpTimeoutException e) {
                throw new KubeletCheckpointException(
                        "checkpoint of " + what + " got no answer from " + transport.describe() + " within "
                                + requestTimeout.toSeconds() + " s (not retried: it may still be running)",
                        0,
                        e);
            } catch (SSLException e) {
                // A certificate that is not trusted now will not be trusted on the next attempt either.
                throw new KubeletCheckpointException(
                        "checkpoint of " + what + " failed: TLS with " + transport.describe()
                                + " failed (is its CA given, and does its certificate name the address used?): "
                                + OneLine.of(e),
                        0,
                        e);
            } catch (IOException e) {
                last = new KubeletCheckpointException(
                        "checkpoint of " + what + " failed: cannot reach " + transport.describe() + ": "
                                + OneLine.of(e),
                        0,
                        e);
                pause(attempt);
                continue;
            }
            if (r.status() == 200) {
                return archives(r.body(), what);
            }
            String body = firstLine(r.body());
            switch (r.status()) {
                case 401 ->
                    throw new KubeletCheckpointException(
                            "checkpoint of " + what + " refused by " + transport.describe()
                                    + ": 401 Unauthorized (the token was not accepted)",
                            401,
                            null);
                case 403 ->
                    throw new KubeletCheckpointException(
                            "checkpoint of " + what + " forbidden by " + transport.describe()
                                    + ": 403 (RBAC must grant create on nodes/proxy through the API server,"
                                    + " or on nodes/checkpoint directly at the kubelet)"
                                    + (body.isEmpty() ? "" : ": " + body),
                            403,
                            null);
                case 404 ->
                    throw new KubeletCheckpointException(
                            "checkpoint of " + what + ": 404 from " + transport.describe()
                                    + " (the ContainerCheckpoint feature gate is off, or no such container runs on this node)"
                                    + (body.isEmpty() ? "" : ": " + body),
                            404,
                            null);
                default -> {}
            }
            KubeletCheckpointException failure = new KubeletCheckpointException(
                    "checkpoint of " + what + " failed: " + r.status() + " from " + transport.describe()
                            + (body.isEmpty() ? "" : ": " + body),
                    r.status(),
                    null);
            if (r.status() < 500 || notSupported(body)) {
                throw failure;
            }
            last = failure;
            pause(attempt);
        }
        throw new KubeletCheckpointException(
                last.getMessage() + " (after " + attempts + " attempts)",
                ((KubeletCheckpointException) last).status(),
                last);
    }

    private static boolean notSupported(String body) {
        String b = body.toLowerCase(Locale.ROOT);
        return b.contains("not supported") || b.contains("unimplemented") || b.contains("not implemented");
    }

    private static List<String> archives(String body, String what) throws KubeletCheckpointException {
        try {
            JsonNode items = JSON.readTree(body).path("items");
            List<String> out = new ArrayList<>();
            items.forEach(i -> out.add(i.asText()));
            if (out.isEmpty()) {
                throw new KubeletCheckpointException(
                        "checkpoint of " + what + " answered 200 but named no archive", 200, null);
            }
            return out;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new KubeletCheckpointException(
                    "checkpoint of " + what + " answered 200 with a body that is not JSON: " + firstLine(body), 200, e);
        }
    }

    private void pause(int attempt) throws IOException {
        if (attempt == attempts) {
            return;
        }
        try {
            Thread.sleep(backoff.toMillis() * (1L << (attempt - 1)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.strip().lines().findFirst().orElse("");
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
