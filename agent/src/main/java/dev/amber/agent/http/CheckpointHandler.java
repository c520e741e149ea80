package dev.amber.agent.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.amber.agent.checkpoint.CheckpointOperations;
import dev.amber.agent.checkpoint.CheckpointOperations.Refused;
import dev.amber.agent.checkpoint.CheckpointOperations.Started;
import dev.amber.agent.checkpoint.CheckpointOperations.Tracked;
import dev.amber.kube.agent.CheckpointRequest;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /v1/checkpoints}, as {@link dev.amber.kube.agent.HttpAgentClient} speaks it: {@code POST} a
 * {@link CheckpointRequest} to start (202) or find (200) the operation of its id; {@code GET /v1/checkpoints/{id}}
 * to read it (200, or 404 when the agent knows none). Refusals: 400 for a malformed request, 401 without a valid
 * token, 403 without {@code create} (to start) or {@code get} (to read) on {@code checkpointarchives.amber.dev} in
 * the pod's namespace, 409 while another id checkpoints the same container, 422 for an id already used for another
 * container, 503 when the agent takes no checkpoints (no cluster), is stopping, or runs as many as it will.
 *
 * <p>Why this order: a request is parsed and checked before it is authorised, since its namespace is what is
 * authorised; an agent without a cluster says so before asking for a token it has no API server to review. The
 * request body may carry registry credentials: it is bounded, and neither it nor a parser's message about it is
 * logged.
 */
final class CheckpointHandler implements HttpHandler {
    static final String PREFIX = "/v1/checkpoints";

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointHandler.class);
    /** A request is a few names and perhaps a docker config: far below this. */
    private static final int MAX_BODY_BYTES = 1 << 20;
    /** Unknown fields are ignored, as the client ignores them in answers, so either side may gain fields first. */
    private static final ObjectReader REQUEST = new ObjectMapper()
            .readerFor(CheckpointRequest.class)
            .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final CheckpointOperations operations;
    private final AccessReviewer reviewer;

    /** @param operations null for an agent without a cluster */
    CheckpointHandler(CheckpointOperations operations, AccessReviewer reviewer) {
        this.operations = operations;
        this.reviewer = reviewer;
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try (ex) {
            if (operations == null) {
                AgentHttpServer.error(ex, 503, "this agent runs without a cluster: it takes no checkpoints");
                return;
            }
            String rest = ex.getRequestURI().getRawPath().substring(PREFIX.length());
            if (!rest.isEmpty() && !rest.startsWith("/")) {
                AgentHttpServer.error(ex, 404, "no such endpoint");
                return;
            }
            AccessReviewer.User user = AgentHttpServer.authenticate(ex, reviewer);
            if (user == null) {
                return;
            }
            if (rest.isEmpty() || rest.equals("/")) {
                if (!ex.getRequestMethod().equals("POST")) {
                    AgentHttpServer.error(ex, 405, "use POST to start a checkpoint");
                    return;
                }
                start(ex, user);
                return;
            }
            if (!ex.getRequestMethod().equals("GET")) {
                AgentHttpServer.error(ex, 405, "use GET to read a checkpoint operation");
                return;
            }
            String id;
            try {
                // The id is one path segment, encoded by the client: a '/' in it arrives as %2F.
                id = URLDecoder.decode(rest.substring(1), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                AgentHttpServer.error(ex, 400, "the operation id is not URL-encoded");
                return;
            }
            find(ex, user, id);
        } catch (IOException | RuntimeException e) {
            LOG.warn("request {} {} failed: {}", ex.getRequestMethod(), ex.getRequestURI(), e.getMessage());
            try {
                AgentHttpServer.error(ex, 500, e.getMessage());
            } catch (IOException | RuntimeException ignored) {
                // headers already sent
            }
        }
    }

    private void start(HttpExchange ex, AccessReviewer.User user) throws IOException {
        byte[] body = ex.getRequestBody().readNBytes(MAX_BODY_BYTES + 1);
        if (body.length > MAX_BODY_BYTES) {
            AgentHttpServer.error(ex, 413, "a checkpoint request is at most " + MAX_BODY_BYTES + " bytes");
            return;
        }
        CheckpointRequest request;
        try {
            request = REQUEST.readValue(body);
        } catch (JsonProcessingException e) {
            // Told to the caller, who sent it; the original message has no location and no source excerpt.
            AgentHttpServer.error(ex, 400, "not a checkpoint request: " + firstLine(e.getOriginalMessage()));
            return;
        }
        Optional<String> problem = operations.problem(request);
        if (problem.isPresent()) {
            AgentHttpServer.error(ex, 400, problem.get());
            return;
        }
        if (!reviewer.allowed(user, new AccessReviewer.Access("create", request.namespace(), "", ""))) {
            AgentHttpServer.error(
                    ex,
                    403,
                    user.name() + " may not create " + AccessReviewer.RESOURCE + "." + AccessReviewer.GROUP
                            + " in namespace '" + request.namespace() + "'");
            return;
        }
        switch (operations.start(request)) {
            case Started started -> {
                if (started.created()) {
                    LOG.info(
                            "{} asked for checkpoint {} of {}/{}/{}",
                            user.name(),
                            request.id(),
                            request.namespace(),
                            request.pod(),
                            request.container());
                }
                AgentHttpServer.sendJson(ex, started.created() ? 202 : 200, started.operation());
            }
            case Refused refused ->
                AgentHttpServer.error(
                        ex,
                        switch (refused.why()) {
                            case INVALID -> 400;
                            case BUSY -> 409;
                            case ID_IN_USE -> 422;
                            case UNAVAILABLE -> 503;
                        },
                        refused.message());
        }
    }

    private void find(HttpExchange ex, AccessReviewer.User user, String id) throws IOException {
        Optional<Tracked> found = operations.find(id);
        if (found.isEmpty()) {
            AgentHttpServer.error(
                    ex, 404, "no checkpoint operation " + id + " (unknown, forgotten, or the agent restarted)");
            return;
        }
        Tracked t = found.get();
        if (!reviewer.allowed(user, new AccessReviewer.Access("get", t.namespace(), "", ""))) {
            AgentHttpServer.error(
                    ex,
                    403,
                    user.name() + " may not get " + AccessReviewer.RESOURCE + "." + AccessReviewer.GROUP
                            + " in namespace '" + t.namespace() + "'");
            return;
        }
        AgentHttpServer.sendJson(ex, 200, t.operation());
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.strip().lines().findFirst().orElse("");
    }
}
