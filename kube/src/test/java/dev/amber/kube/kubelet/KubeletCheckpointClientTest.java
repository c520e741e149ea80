package dev.amber.kube.kubelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client against a real HTTP server that answers as the kubelet does (status codes and bodies from
 * the kubelet's checkpoint handler). No kubelet runs in unit tests: one needs a node with a container
 * runtime built with CRIU support; the cluster-tagged test covers that once scripts/cluster is up.
 */
class KubeletCheckpointClientTest {
    @TempDir
    Path tmp;

    private HttpServer server;
    private final Deque<int[]> script = new ArrayDeque<>();
    private final Deque<String> bodies = new ArrayDeque<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();

    @BeforeEach
    void serve() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
            authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            int[] next = script.poll();
            String body = bodies.poll();
            if (next == null || next[0] == -1) {
                exchange.close(); // drops the connection without an answer
                return;
            }
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(next[0], b.length == 0 ? -1 : b.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(b);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void answer(int status, String body) {
        script.add(new int[] {status});
        bodies.add(body);
    }

    private KubeletCheckpointClient direct() throws IOException {
        Path token = tmp.resolve("token");
        Files.writeString(token, "sa-token\n");
        return new KubeletCheckpointClient(
                new DirectKubeletTransport(
                        URI.create("http://127.0.0.1:" + server.getAddress().getPort()), token, null),
                3,
                Duration.ofMillis(10));
    }

    @Test
    void returnsTheArchivePathsAndSendsTheTokenAndTimeout() throws Exception {
        answer(200, "{\"items\":[\"/var/lib/kubelet/checkpoints/checkpoint-web_shop-app-2026-11-21T05:00:00Z.tar\"]}");
        List<String> archives = direct().checkpoint("shop", "web", "app", Duration.ofSeconds(30));
        assertThat(archives)
                .containsExactly("/var/lib/kubelet/checkpoints/checkpoint-web_shop-app-2026-11-21T05:00:00Z.tar");
        assertThat(requests).containsExactly("POST /checkpoint/shop/web/app?timeout=30");
        assertThat(authorizations).containsExactly("Bearer sa-token");
    }

    @Test
    void retriesTransientFailures() throws Exception {
        answer(503, "runtime busy");
        answer(-1, "");
        answer(200, "{\"items\":[\"/a.tar\"]}");
        assertThat(direct().checkpoint("ns", "p", "c", Duration.ofSeconds(5))).containsExactly("/a.tar");
        assertThat(requests).hasSize(3);
    }

    @Test
    void givesUpAfterTheLastAttempt() {
        answer(500, "checkpointing container \"c\" failed: criu failed");
        answer(500, "checkpointing container \"c\" failed: criu failed");
        answer(500, "checkpointing container \"c\" failed: criu failed");
        assertThatThrownBy(() -> direct().checkpoint("ns", "p", "c", Duration.ofSeconds(5)))
                .isInstanceOf(KubeletCheckpointException.class)
                .hasMessageContaining("500")
                .hasMessageContaining("criu failed")
                .hasMessageContaining("after 3 attempts");
    }

    @Test
    void doesNotRetryWhatCannotChange() throws Exception {
        answer(500, "rpc error: code = Unimplemented desc = method CheckpointContainer not implemented");
        assertThatThrownBy(() -> direct().checkpoint("ns", "p", "c", Duration.ofSeconds(5)))
                .hasMessageContaining("not implemented");
        answer(404, "404 page not found");
        assertThatThrownBy(() -> direct().checkpoint("ns", "p", "c", Duration.ofSeconds(5)))
                .hasMessageContaining("ContainerCheckpoint feature gate is off");
        answer(
                403,
                "Forbidden (user=system:serviceaccount:amber:agent, verb=create, resource=nodes, subresource=checkpoint)");
        assertThatThrownBy(() -> direct().checkpoint("ns", "p", "c", Duration.ofSeconds(5)))
                .hasMessageContaining("nodes/checkpoint")
                .hasMessageContaining("subresource=checkpoint");
        answer(401, "Unauthorized");
        assertThatThrownBy(() -> direct().checkpoint("ns", "p", "c", Duration.ofSeconds(5)))
                .hasMessageContaining("401");
        assertThat(requests).hasSize(4);
    }

    @Test
    void goesThroughTheApiServerNodeProxy() throws Exception {
        answer(200, "{\"items\":[\"/b.tar\"]}");
        Config config = new ConfigBuilder()
                .withMasterUrl("http://127.0.0.1:" + server.getAddress().getPort())
                .withOauthToken("user-token")
                .withRequestRetryBackoffLimit(0)
                .build();
        try (KubernetesClient client =
                new KubernetesClientBuilder().withConfig(config).build()) {
            assertThat(KubeletCheckpointClient.viaApiServer(client, "node-1")
                            .checkpoint("ns", "p", "c", Duration.ofSeconds(7)))
                    .containsExactly("/b.tar");
        }
        assertThat(requests).containsExactly("POST /api/v1/nodes/node-1/proxy/checkpoint/ns/p/c?timeout=7");
        assertThat(authorizations).containsExactly("Bearer user-token");
    }
}
