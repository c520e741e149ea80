package dev.amber.agent.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.amber.agent.checkpoint.CheckpointOperations;
import dev.amber.agent.export.CheckpointExporter;
import dev.amber.agent.export.RegistryTargetExporter;
import dev.amber.agent.index.ArchiveIndex;
import dev.amber.agent.index.IndexStore;
import dev.amber.agent.metrics.AgentMetrics;
import dev.amber.agent.node.AgentConfig;
import dev.amber.agent.node.NodeAgent;
import dev.amber.agent.node.StatusSink;
import dev.amber.agent.testing.FakeKubelet;
import dev.amber.image.registry.RegistryOptions;
import dev.amber.kube.agent.AgentException;
import dev.amber.kube.agent.CheckpointOperation;
import dev.amber.kube.agent.CheckpointOperation.State;
import dev.amber.kube.agent.CheckpointRequest;
import dev.amber.kube.agent.HttpAgentClient;
import dev.amber.kube.kubelet.KubeletCheckpointClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /v1/checkpoints} as the operator uses it: through {@link HttpAgentClient}, the operator's own client, over
 * real HTTP to the agent's server, with a fake kubelet that writes real archives and a fake {@link AccessReviewer}
 * holding RBAC-like grants. Status codes the client folds together (200 and 202) are read with a plain request.
 */
class CheckpointApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** token -> user; user -> allowed "verb namespace" pairs. */
    private static final Map<String, String> TOKENS =
            Map.of("operator-token", "operator", "viewer-token", "viewer", "stranger-token", "stranger");

    private static final Map<String, Set<String>> GRANTS = Map.of(
            "operator", Set.of("create shop", "get shop"),
            "viewer", Set.of("get shop"),
            "stranger", Set.of());

    @TempDir
    Path dir;

    @TempDir
    Path state;

    @TempDir
    Path temp;

    private final AccessReviewer fake = new AccessReviewer() {
        @Override
        public User authenticate(String token) {
            String name = TOKENS.get(token);
            return name == null ? null : new User(name, "uid-" + name, List.of("system:authenticated"));
        }

        @Override
        public boolean allowed(User user, Access a) {
            return a.subresource().isEmpty() && GRANTS.get(user.name()).contains(a.verb() + " " + a.namespace());
        }
    };

    private final HttpClient http = HttpClient.newHttpClient();
    private FakeKubelet kubelet;
    private NodeAgent agent;
    private CheckpointOperations operations;
    private AgentHttpServer server;

    @BeforeEach
    void start() throws Exception {
        kubelet = new FakeKubelet(dir);
        ArchiveIndex index = ArchiveIndex.open(new IndexStore(state));
        AgentMetrics metrics = new AgentMetrics(index);
        agent = new NodeAgent(
                new AgentConfig(dir, state, Duration.ofMillis(50), Duration.ofMinutes(10), false),
                index,
                () -> null,
                UnaryOperator.identity(),
                CheckpointExporter.NONE,
                metrics,
                StatusSink.NONE,
                Clock.systemUTC());
        agent.start();
        operations = new CheckpointOperations(
                new KubeletCheckpointClient(kubelet, 1, Duration.ZERO),
                agent.files(),
                new RegistryTargetExporter(RegistryOptions.defaults(), temp),
                Clock.systemUTC());
        server = new AgentHttpServer(new InetSocketAddress("127.0.0.1", 0), null, agent, fake, metrics, operations);
        server.start();
    }

    @AfterEach
    void stop() throws IOException {
        kubelet.release();
        server.close();
        operations.close();
        agent.close();
    }

    private HttpAgentClient client(String token) {
        return new HttpAgentClient(
                URI.create("http://127.0.0.1:" + server.port()), "node-a", (SSLContext) null, () -> token);
    }

    private static CheckpointRequest request(String id, String namespace, String container) {
        return new CheckpointRequest(id, namespace, "web", container, 30, null);
    }

    private HttpResponse<String> post(String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + "/v1/checkpoints"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String error(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body()).path("error").asText();
    }

    @Test
    void startsOnceFollowsTheOperationAndReportsTheArchive() throws Exception {
        kubelet.hold();
        String body = JSON.writeValueAsString(request("uid-1/app", "shop", "app"));
        HttpResponse<String> created = post("operator-token", body);
        assertThat(created.statusCode()).isEqualTo(202);
        JsonNode running = JSON.readTree(created.body());
        assertThat(running.path("id").asText()).isEqualTo("uid-1/app");
        assertThat(running.path("state").asText()).isEqualTo("RUNNING");

        HttpResponse<String> known = post("operator-token", body);
        assertThat(known.statusCode()).as("the same id again").isEqualTo(200);
        assertThat(JSON.readTree(known.body()).path("id").asText()).isEqualTo("uid-1/app");

        HttpAgentClient operator = client("operator-token");
        assertThat(operator.start(request("uid-1/app", "shop", "app")).state()).isEqualTo(State.RUNNING);
        kubelet.release();
        CheckpointOperation done = await().atMost(WAIT)
                .until(() -> operator.find("uid-1/app").orElseThrow(), CheckpointOperation::finished);
        assertThat(done.state()).isEqualTo(State.SUCCEEDED);
        assertThat(done.archivePath()).startsWith(FakeKubelet.NODE_DIRECTORY + "/checkpoint-web_shop-app-");
        assertThat(done.archiveSize()).isPositive();
        assertThat(done.dumpStatistics().frozenTimeMicros).isEqualTo(FakeKubelet.FROZEN_MICROS);
        assertThat(done.checkpointedAt()).isNotBlank();
        assertThat(kubelet.calls()).hasSize(1);
        assertThat(client("viewer-token").find("uid-1/app"))
                .as("get is enough to read")
                .isPresent();
    }

    @Test
    void aSecondIdForABusyContainerIsRefusedAsBusy() throws Exception {
        kubelet.hold();
        HttpAgentClient operator = client("operator-token");
        operator.start(request("uid-1/app", "shop", "app"));
        assertThatThrownBy(() -> operator.start(request("uid-2/app", "shop", "app")))
                .isInstanceOfSatisfying(AgentException.class, e -> {
                    assertThat(e.busy()).isTrue();
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.getMessage()).contains("uid-1/app").doesNotContain("\n");
                });
        assertThat(operator.start(request("uid-3/sidecar", "shop", "sidecar")).state())
                .isEqualTo(State.RUNNING);
    }

    @Test
    void anUnknownOperationIsEmpty() throws Exception {
        assertThat(client("operator-token").find("never-started")).isEmpty();
    }

    @Test
    void requiresATokenAndTheGrantInThePodsNamespace() throws Exception {
        assertThat(post(null, JSON.writeValueAsString(request("uid-1/app", "shop", "app")))
                        .statusCode())
                .isEqualTo(401);
        assertThatThrownBy(() -> client("forged").start(request("uid-1/app", "shop", "app")))
                .isInstanceOfSatisfying(
                        AgentException.class, e -> assertThat(e.status()).isEqualTo(401));
        assertThatThrownBy(() -> client("viewer-token").start(request("uid-1/app", "shop", "app")))
                .as("get does not let one checkpoint")
                .isInstanceOfSatisfying(AgentException.class, e -> {
                    assertThat(e.status()).isEqualTo(403);
                    assertThat(e.getMessage()).contains("create").contains("'shop'");
                });
        assertThatThrownBy(() -> client("operator-token").start(request("uid-1/db", "bank", "db")))
                .as("create in shop is not create in bank")
                .isInstanceOfSatisfying(
                        AgentException.class, e -> assertThat(e.status()).isEqualTo(403));
        assertThat(kubelet.calls()).isEmpty();

        client("operator-token").start(request("uid-1/app", "shop", "app"));
        assertThatThrownBy(() -> client("stranger-token").find("uid-1/app"))
                .isInstanceOfSatisfying(
                        AgentException.class, e -> assertThat(e.status()).isEqualTo(403));
    }

    @Test
    void aMalformedRequestIsABadRequestOnOneLine() throws Exception {
        HttpResponse<String> notJson = post("operator-token", "{\"id\": ");
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(error(notJson)).startsWith("not a checkpoint request").doesNotContain("\n");

        HttpResponse<String> missing =
                post("operator-token", "{\"id\":\"x\",\"namespace\":\"shop\",\"timeoutSeconds\":5}");
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(error(missing)).contains("pod").contains("container");

        HttpResponse<String> noTimeout =
                post("operator-token", "{\"id\":\"x\",\"namespace\":\"shop\",\"pod\":\"web\",\"container\":\"app\"}");
        assertThat(noTimeout.statusCode()).isEqualTo(400);
        assertThat(error(noTimeout)).contains("timeoutSeconds");

        assertThatThrownBy(() -> client("operator-token")
                        .start(new CheckpointRequest(
                                "x",
                                "shop",
                                "web",
                                "app",
                                5,
                                new CheckpointRequest.ExportTarget("oci:/var/lib/x", false, null))))
                .isInstanceOfSatisfying(
                        AgentException.class, e -> assertThat(e.status()).isEqualTo(400));
        assertThat(kubelet.calls()).isEmpty();
    }

    @Test
    void anAgentWithoutAClusterTakesNoCheckpoints() throws Exception {
        try (AgentHttpServer standalone = new AgentHttpServer(
                new InetSocketAddress("127.0.0.1", 0),
                null,
                agent,
                AccessReviewer.DENY_ALL,
                new AgentMetrics(agent.index()),
                null)) {
            standalone.start();
            HttpAgentClient c = new HttpAgentClient(
                    URI.create("http://127.0.0.1:" + standalone.port()), "laptop", (SSLContext) null, () -> "t");
            assertThatThrownBy(() -> c.start(request("uid-1/app", "shop", "app")))
                    .isInstanceOfSatisfying(AgentException.class, e -> {
                        assertThat(e.status()).isEqualTo(503);
                        assertThat(e.getMessage()).contains("without a cluster");
                    });
        }
    }
}
