package dev.amber.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.amber.agent.export.CheckpointExporter;
import dev.amber.agent.index.ArchiveIndex;
import dev.amber.agent.index.IndexStore;
import dev.amber.agent.metrics.AgentMetrics;
import dev.amber.agent.node.AgentConfig;
import dev.amber.agent.node.NodeAgent;
import dev.amber.agent.node.StatusSink;
import dev.amber.agent.testing.KubeletArchives;
import dev.amber.agent.testing.KubeletArchives.Layout;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP API over real files and real HTTP. Authentication and authorisation go through a fake
 * {@link AccessReviewer} holding RBAC-like grants: TokenReview and SubjectAccessReview need an API server,
 * and {@link KubernetesAccessReviewerTest} checks the real reviewer's requests.
 */
class AgentHttpServerTest {
    private static final Instant T = Instant.parse("2026-11-20T10:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** token -> user; user -> allowed "verb namespace subresource" triples ("*" namespace = all). */
    private static final Map<String, String> TOKENS = Map.of("alice-token", "alice", "bob-token", "bob");

    private static final Map<String, Set<String>> GRANTS = Map.of(
            "alice", Set.of("list shop ", "get shop ", "get shop content", "delete shop "),
            "bob", Set.of("list * ", "get * "));

    @TempDir
    Path dir;

    @TempDir
    Path state;

    private final AccessReviewer fake = new AccessReviewer() {
        @Override
        public User authenticate(String token) {
            String name = TOKENS.get(token);
            return name == null ? null : new User(name, "uid-" + name, List.of("system:authenticated"));
        }

        @Override
        public boolean allowed(User user, Access a) {
            Set<String> g = GRANTS.get(user.name());
            return g.contains(a.verb() + " " + a.namespace() + " " + a.subresource())
                    || g.contains(a.verb() + " * " + a.subresource());
        }
    };

    private NodeAgent agent;
    private AgentHttpServer server;
    private final HttpClient http = HttpClient.newHttpClient();
    private Path shopArchive;

    @BeforeEach
    void start() throws Exception {
        shopArchive = KubeletArchives.write(dir, Layout.CRIO, "shop", "web", "app", T, 100_000);
        KubeletArchives.write(dir, Layout.CONTAINERD, "bank", "ledger", "db", T.plusSeconds(1), 1000);
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
        server = new AgentHttpServer(new InetSocketAddress("127.0.0.1", 0), null, agent, fake, metrics, null);
        server.start();
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
        agent.close();
    }

    private HttpResponse<byte[]> call(String method, String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private JsonNode json(HttpResponse<byte[]> r) throws IOException {
        return JSON.readTree(r.body());
    }

    @Test
    void requiresAValidToken() throws Exception {
        assertThat(call("GET", "/v1/archives?namespace=shop", null).statusCode())
                .isEqualTo(401);
        assertThat(call("GET", "/v1/archives?namespace=shop", "forged").statusCode())
                .isEqualTo(401);
        assertThat(call("GET", "/healthz", null).statusCode()).isEqualTo(200);
    }

    @Test
    void listsOnlyWhereTheCallerMayList() throws Exception {
        var mine = call("GET", "/v1/archives?namespace=shop", "alice-token");
        assertThat(mine.statusCode()).isEqualTo(200);
        assertThat(json(mine).path("items").findValuesAsText("namespace")).containsExactly("shop");
        assertThat(call("GET", "/v1/archives", "alice-token").statusCode()).isEqualTo(403);
        assertThat(call("GET", "/v1/archives?namespace=bank", "alice-token").statusCode())
                .isEqualTo(403);
        assertThat(json(call("GET", "/v1/archives", "bob-token")).path("items")).hasSize(2);
    }

    @Test
    void metadataAndStreamedDownloadNeedTheirOwnGrants() throws Exception {
        String name = shopArchive.getFileName().toString();
        var meta = call("GET", "/v1/archives/" + name, "alice-token");
        assertThat(json(meta).path("pod").asText()).isEqualTo("web");
        assertThat(json(meta).path("size").asLong()).isEqualTo(Files.size(shopArchive));

        var content = call("GET", "/v1/archives/" + name + "/content", "alice-token");
        assertThat(content.statusCode()).isEqualTo(200);
        assertThat(content.body()).isEqualTo(Files.readAllBytes(shopArchive));
        // bob may read metadata everywhere but no archive's content: memory dumps hold secrets.
        assertThat(call("GET", "/v1/archives/" + name, "bob-token").statusCode())
                .isEqualTo(200);
        assertThat(call("GET", "/v1/archives/" + name + "/content", "bob-token").statusCode())
                .isEqualTo(403);
        assertThat(call("GET", "/v1/archives/nope.tar", "alice-token").statusCode())
                .isEqualTo(404);
        assertThat(call("GET", "/v1/archives/..%2Fetc%2Fpasswd/content", "alice-token")
                        .statusCode())
                .isEqualTo(404);
    }

    @Test
    void deletes() throws Exception {
        String name = shopArchive.getFileName().toString();
        assertThat(call("DELETE", "/v1/archives/" + name, "bob-token").statusCode())
                .isEqualTo(403);
        assertThat(Files.exists(shopArchive)).isTrue();
        // Pinned by a person: refused as a conflict (409, nothing to retry), and the archive stays.
        Path pin = shopArchive.resolveSibling(name + ".keep");
        Files.createFile(pin);
        var pinned = call("DELETE", "/v1/archives/" + name, "alice-token");
        assertThat(pinned.statusCode()).isEqualTo(409);
        assertThat(new String(pinned.body())).contains("is pinned by " + name + ".keep");
        assertThat(Files.exists(shopArchive)).isTrue();
        Files.delete(pin);
        assertThat(call("DELETE", "/v1/archives/" + name, "alice-token").statusCode())
                .isEqualTo(200);
        assertThat(Files.exists(shopArchive)).isFalse();
        assertThat(agent.index().get(name)).isNull();
    }

    @Test
    void servesPrometheusMetrics() throws Exception {
        String text = new String(call("GET", "/metrics", null).body());
        assertThat(text).contains("amber_checkpoint_archives 2.0").contains("amber_checkpoint_archive_bytes");
    }
}
