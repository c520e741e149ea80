package dev.amber.nodestate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The informer, the rules and the HTTP endpoints together, against fabric8's mock API server in
 * CRUD mode (a narrow stand-in until a real cluster is available to the tests; it serves lists
 * and watches of Nodes, which is all the server uses).
 */
@EnableKubernetesMockClient(crud = true)
class NodeStateServerTest {
    KubernetesClient client;
    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(NodeStateServer server, String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void anUnreachableApiServerIsAClearFailure() {
        var unreachable = new io.fabric8.kubernetes.client.KubernetesClientBuilder()
                .withConfig(new io.fabric8.kubernetes.client.ConfigBuilder()
                        .withMasterUrl("https://127.0.0.1:1")
                        .withRequestRetryBackoffLimit(0)
                        .build())
                .build();
        try (unreachable;
                NodeStateServer server = NodeStateServer.start(unreachable, new InetSocketAddress("127.0.0.1", 0))) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> server.awaitFirstList(Duration.ofSeconds(20)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("cannot list Nodes from https://127.0.0.1:1/: ")
                    .hasMessageNotContaining("null");
        }
    }

    @Test
    void servesEachNodesStateAndFollowsChanges() throws Exception {
        client.nodes()
                .resource(new NodeBuilder()
                        .withNewMetadata()
                        .withName("worker-1")
                        .endMetadata()
                        .build())
                .create();
        try (NodeStateServer server = NodeStateServer.start(client, new InetSocketAddress("127.0.0.1", 0))) {
            server.awaitFirstList(Duration.ofSeconds(10));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> get(server, "/healthz").statusCode() == 200);

            HttpResponse<String> running = get(server, "/nodes/worker-1");
            assertThat(running.statusCode()).isEqualTo(200);
            assertThat(running.body())
                    .isEqualTo("{\"name\":\"worker-1\",\"state\":\"running\",\"reason\":\"no Ready condition yet\"}");

            client.nodes()
                    .withName("worker-1")
                    .edit(n -> new NodeBuilder(n)
                            .withNewSpec()
                            .addToTaints(new TaintBuilder()
                                    .withKey("karpenter.sh/disrupted")
                                    .withEffect("NoSchedule")
                                    .build())
                            .endSpec()
                            .build());
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> get(server, "/nodes/worker-1").body().contains("shutting-down"));
            assertThat(get(server, "/nodes/worker-1").body()).contains("karpenter.sh/disrupted");

            client.nodes()
                    .resource(new NodeBuilder()
                            .withNewMetadata()
                            .withName("worker-2")
                            .endMetadata()
                            .build())
                    .create();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> get(server, "/nodes/worker-2").statusCode() == 200);
            client.nodes().withName("worker-2").delete();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> get(server, "/nodes/worker-2").body().contains("the Node was deleted"));
            assertThat(get(server, "/nodes/worker-2").body()).contains("\"state\":\"shutting-down\"");

            HttpResponse<String> missing = get(server, "/nodes/nope");
            assertThat(missing.statusCode()).isEqualTo(404);
            assertThat(missing.body())
                    .isEqualTo("{\"name\":\"nope\",\"state\":\"unknown\",\"reason\":\"no such Node\"}");

            String metrics = get(server, "/metrics").body();
            assertThat(metrics).contains("amber_nodestate_nodes{state=\"shutting-down\"} 2.0");
            assertThat(metrics).contains("amber_nodestate_requests_total{state=\"unknown\"} 1.0");
            assertThat(get(server, "/other").statusCode()).isEqualTo(404);
        }
    }
}
