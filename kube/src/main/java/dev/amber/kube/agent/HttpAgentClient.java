package dev.amber.kube.agent;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.amber.errors.OneLine;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * An agent's checkpoint API over HTTPS: {@code POST /v1/checkpoints} starts (or finds) an operation,
 * {@code GET /v1/checkpoints/{id}} reads it. The caller authenticates with a bearer token, which the
 * agent reviews with the API server (TokenReview, then SubjectAccessReview for {@code create} on
 * {@code checkpointarchives.amber.dev} in the pod's namespace). The token is asked for on every
 * request, because a projected service-account token is rotated under a running process.
 */
public final class HttpAgentClient implements AgentClient {
    private static final ObjectMapper JSON =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final URI base;
    private final String node;
    private final HttpClient http;
    private final Supplier<String> token;

    /**
     * @param base e.g. {@code https://10.244.1.7:8443}
     * @param node the agent's node, for messages
     * @param tls trusts the agents' serving certificate; null for plain HTTP (tests)
     */
    public HttpAgentClient(URI base, String node, SSLContext tls, Supplier<String> token) {
        this(base, node, newHttpClient(tls), token);
    }

    /**
     * @param http a client from {@link #newHttpClient}, shared by the clients of every agent: each JDK client holds
     *     a selector thread and a connection pool, which one per call would leave to the garbage collector
     */
    public HttpAgentClient(URI base, String node, HttpClient http, Supplier<String> token) {
        this.base = base;
        this.node = node;
        this.http = http;
        this.token = token;
    }

    /** An HTTP client for agents: {@code tls} trusts their serving certificate; null for plain HTTP (tests). */
    public static HttpClient newHttpClient(SSLContext tls) {
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(TIMEOUT);
        if (tls != null) {
            builder.sslContext(tls);
        }
        return builder.build();
    }

    @Override
    public CheckpointOperation start(CheckpointRequest request) throws AgentException {
        HttpResponse<String> response = send(HttpRequest.newBuilder(base.resolve("/v1/checkpoints"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(write(request))));
        if (response.statusCode() != 200 && response.statusCode() != 202) {
            throw refused(
                    "checkpoint of " + request.namespace() + "/" + request.pod() + "/" + request.container(), response);
        }
        return read(response);
    }

    @Override
    public Optional<CheckpointOperation> find(String id) throws AgentException {
        HttpResponse<String> response = send(
                HttpRequest.newBuilder(base.resolve("/v1/checkpoints/" + URLEncoder.encode(id, StandardCharsets.UTF_8)))
                        .GET());
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        if (response.statusCode() != 200) {
            throw refused("checkpoint operation " + id, response);
        }
        return Optional.of(read(response));
    }

    @Override
    public boolean deleteArchive(String fileName) throws AgentException {
        HttpResponse<String> response = send(HttpRequest.newBuilder(
                        base.resolve("/v1/archives/" + URLEncoder.encode(fileName, StandardCharsets.UTF_8)))
                .DELETE());
        if (response.statusCode() == 404) {
            return false;
        }
        if (response.statusCode() != 200) {
            throw refused("deletion of archive " + fileName, response);
        }
        return true;
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws AgentException {
        try {
            return http.send(
                    request.timeout(TIMEOUT)
                            .header("Authorization", "Bearer " + token.get())
                            .header("Accept", "application/json")
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AgentException(
                    "the agent on node " + node + " (" + base + ") is unreachable: " + OneLine.of(e), 0, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AgentException("interrupted while asking the agent on node " + node, 0, e);
        }
    }

    private AgentException refused(String what, HttpResponse<String> response) {
        String body = response.body() == null ? "" : response.body().strip();
        String message = body;
        try {
            message = JSON.readTree(body).path("error").asText(body);
        } catch (IOException notJson) {
            // the body as it came
        }
        return new AgentException(
                what + " refused by the agent on node " + node + ": " + response.statusCode()
                        + (message.isEmpty()
                                ? ""
                                : " " + message.lines().findFirst().orElse("")),
                response.statusCode(),
                null);
    }

    private CheckpointOperation read(HttpResponse<String> response) throws AgentException {
        try {
            return JSON.readValue(response.body(), CheckpointOperation.class);
        } catch (IOException e) {
            throw new AgentException(
                    "the agent on node " + node + " answered what is not an operation: " + OneLine.of(e), 0, e);
        }
    }

    private static String write(CheckpointRequest request) throws AgentException {
        try {
            return JSON.writeValueAsString(request);
        } catch (IOException e) {
            throw new AgentException("cannot write the request: " + OneLine.of(e), 0, e);
        }
    }
}
