package dev.amber.agent.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.amber.agent.export.CheckpointExporter;
import dev.amber.agent.http.AgentHttpServer;
import dev.amber.agent.http.KubernetesAccessReviewer;
import dev.amber.agent.index.ArchiveIndex;
import dev.amber.agent.index.IndexStore;
import dev.amber.agent.metrics.AgentMetrics;
import dev.amber.agent.node.AgentConfig;
import dev.amber.agent.node.NodeAgent;
import dev.amber.agent.node.StatusSink;
import dev.amber.agent.testing.KubeletArchives;
import dev.amber.api.v1alpha1.CheckpointPolicy;
import dev.amber.api.v1alpha1.NodeRetentionStatus;
import dev.amber.kube.kubelet.DirectKubeletTransport;
import dev.amber.kube.kubelet.KubeletCheckpointClient;
import dev.amber.kube.kubelet.KubeletCheckpointException;
import dev.amber.retention.ArchiveRecord;
import dev.amber.testkit.cluster.AgentFixtures;
import dev.amber.testkit.cluster.CustomResourceDefinitions;
import dev.amber.testkit.cluster.LocalCluster;
import dev.amber.testkit.cluster.LocalClusterExtension;
import dev.amber.testkit.cluster.TestNamespace;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
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
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent against the local cluster: a pod on node A is checkpointed twice through the kubelet, the
 * agent (watching node A's real checkpoint directory, following a real CheckpointPolicy) indexes both
 * and keeps one; once the pod is deleted, the remaining archive is an orphan (at the pod level of the
 * policy that governs it) and goes too. The policy covers only this test's pod (the global levels are
 * disabled with 0), so archives of other tests in the shared directory are never touched.
 */
@Tag("cluster")
@ExtendWith(LocalClusterExtension.class)
class AgentOnClusterTest {
    private static final Path CHECKPOINTS =
            Path.of("/var/lib/amber-cluster/nodes/" + LocalCluster.NODE_A + "/kubelet/checkpoints");

    @TempDir
    Path state;

    @Test
    void indexesKubeletCheckpointsAndEnforcesThePolicyIncludingOrphans(KubernetesClient client, TestNamespace namespace)
            throws Exception {
        CustomResourceDefinitions.install(client, "checkpointpolicies.amber.dev-v1.yml");
        String policyName = "agent-test-" + namespace.name();
        CheckpointPolicy policy = io.fabric8.kubernetes.client.utils.Serialization.unmarshal(
                AgentFixtures.policyKeepingOneCheckpointOf(policyName, namespace, "sleeper"), CheckpointPolicy.class);
        client.resource(policy).create();
        Files.createDirectories(CHECKPOINTS);

        ArchiveIndex index = ArchiveIndex.open(new IndexStore(state));
        try (ClusterBinding cluster = new ClusterBinding(client, policyName, LocalCluster.NODE_A);
                PolicyStatusWriter status = new PolicyStatusWriter(
                        client, policyName, LocalCluster.NODE_A, Duration.ofMillis(500), Clock.systemUTC());
                NodeAgent agent = new NodeAgent(
                        new AgentConfig(CHECKPOINTS, state, Duration.ofMillis(200), Duration.ofMinutes(10), false),
                        index,
                        cluster::livePods,
                        cluster::withPodLabels,
                        CheckpointExporter.NONE,
                        new AgentMetrics(index),
                        status,
                        Clock.systemUTC())) {
            cluster.startPodInformers(agent::rescanNeeded);
            agent.start();
            cluster.followPolicy(agent, status);

            client.pods()
                    .resource(AgentFixtures.sleeper(namespace, "sleeper", LocalCluster.NODE_A))
                    .create();
            client.pods()
                    .withName("sleeper")
                    .waitUntilCondition(
                            p -> p != null && "Running".equals(p.getStatus().getPhase()), 3, TimeUnit.MINUTES);

            KubeletCheckpointClient kubelet = KubeletCheckpointClient.viaApiServer(client, LocalCluster.NODE_A);
            String first = kubelet.checkpoint(namespace.name(), "sleeper", "main", Duration.ofSeconds(120))
                    .getFirst();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> index.get(Path.of(first).getFileName().toString()) != null);
            ArchiveRecord indexed = index.get(Path.of(first).getFileName().toString());
            assertThat(indexed.namespace()).isEqualTo(namespace.name());
            assertThat(indexed.pod()).isEqualTo("sleeper");
            assertThat(indexed.container()).isEqualTo("main");
            assertThat(indexed.engine()).isEqualTo("CONTAINERD");
            assertThat(indexed.labels()).containsEntry("app", "sleeper");

            Thread.sleep(1100); // kubelet archive names carry seconds
            String second = kubelet.checkpoint(namespace.name(), "sleeper", "main", Duration.ofSeconds(120))
                    .getFirst();
            await().atMost(Duration.ofSeconds(30)).until(() -> !Files.exists(Path.of(first)));
            assertThat(Path.of(second)).exists();

            client.pods().withName("sleeper").withGracePeriod(0).delete();
            await().atMost(Duration.ofSeconds(60)).until(() -> !Files.exists(Path.of(second)));

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                CheckpointPolicy current = client.resources(CheckpointPolicy.class)
                        .withName(policyName)
                        .get();
                assertThat(current.getStatus().conditions).anySatisfy(c -> {
                    assertThat(c.getType()).isEqualTo("Valid");
                    assertThat(c.getStatus()).isEqualTo("True");
                });
                NodeRetentionStatus node = current.getStatus().nodes.stream()
                        .filter(n -> LocalCluster.NODE_A.equals(n.nodeName))
                        .findFirst()
                        .orElseThrow();
                assertThat(node.recentDeletions)
                        .extracting(d -> d.reason)
                        .anyMatch(r -> r.startsWith("max-checkpoints"))
                        .anyMatch(r -> r.startsWith("orphan"));
            });

            // An invalid edit is rejected in status and changes nothing.
            // A JSON patch of the one field, without the resourceVersion a whole update would lock on: the agents
            // write this policy's status every few seconds, and such an update could meet one of those writes.
            client.resources(CheckpointPolicy.class).withName(policyName).edit(current -> {
                current.getSpec().podPolicies.getFirst().pod = null;
                return current;
            });
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(client.resources(CheckpointPolicy.class)
                                    .withName(policyName)
                                    .get()
                                    .getStatus()
                                    .conditions)
                            .anySatisfy(c -> {
                                assertThat(c.getStatus()).isEqualTo("False");
                                assertThat(c.getMessage()).contains("podPolicies[0] needs a pod or a selector");
                            }));
        } finally {
            client.resources(CheckpointPolicy.class).withName(policyName).delete();
            try (var files = Files.list(CHECKPOINTS)) {
                for (Path p : files.filter(f -> f.getFileName().toString().contains("_" + namespace.name() + "-"))
                        .toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /**
     * Straight to node A's kubelet with a service-account token: refused (403, naming nodes/checkpoint)
     * until RBAC grants create on nodes/checkpoint, then the checkpoint is written.
     */
    @Test
    void checkpointsDirectlyAtTheKubeletWithAServiceAccountToken(
            KubernetesClient client, TestNamespace namespace, @TempDir Path tokenDir) throws Exception {
        client.pods()
                .resource(AgentFixtures.sleeper(namespace, "direct", LocalCluster.NODE_A))
                .create();
        client.pods()
                .withName("direct")
                .waitUntilCondition(
                        p -> p != null && "Running".equals(p.getStatus().getPhase()), 3, TimeUnit.MINUTES);
        client.serviceAccounts()
                .resource(new ServiceAccountBuilder()
                        .withNewMetadata()
                        .withName("checkpointer")
                        .endMetadata()
                        .build())
                .create();
        String token = client.serviceAccounts()
                .withName("checkpointer")
                .tokenRequest(new TokenRequestBuilder()
                        .withNewSpec()
                        .withExpirationSeconds(600L)
                        .endSpec()
                        .build())
                .getStatus()
                .getToken();
        Path tokenFile = tokenDir.resolve("token");
        Files.writeString(tokenFile, token);
        String ip = client.nodes().withName(LocalCluster.NODE_A).get().getStatus().getAddresses().stream()
                .filter(a -> "InternalIP".equals(a.getType()))
                .findFirst()
                .orElseThrow()
                .getAddress();
        URI address = URI.create("https://" + ip + ":10250");
        // The kubelet's self-signed certificate names only its host name: verified against it, an IP fails.
        assertThatThrownBy(() -> KubeletCheckpointClient.direct(
                                address,
                                tokenFile,
                                Path.of("/var/lib/amber-cluster/nodes/" + LocalCluster.NODE_A
                                        + "/kubelet/pki/kubelet.crt"))
                        .checkpoint(namespace.name(), "direct", "main", Duration.ofSeconds(60)))
                .hasMessageContaining("TLS")
                .hasMessageNotContaining("attempts");
        KubeletCheckpointClient kubelet =
                KubeletCheckpointClient.over(DirectKubeletTransport.insecure(address, tokenFile));

        assertThatThrownBy(() -> kubelet.checkpoint(namespace.name(), "direct", "main", Duration.ofSeconds(60)))
                .isInstanceOf(KubeletCheckpointException.class)
                .hasMessageContaining("403")
                .hasMessageContaining("nodes/checkpoint");

        String role = "amber-test-checkpointer-" + namespace.name();
        client.rbac()
                .clusterRoles()
                .resource(new ClusterRoleBuilder()
                        .withNewMetadata()
                        .withName(role)
                        .endMetadata()
                        .addNewRule()
                        .withApiGroups("")
                        .withResources("nodes/checkpoint")
                        .withVerbs("create")
                        .endRule()
                        .build())
                .create();
        client.rbac()
                .clusterRoleBindings()
                .resource(new ClusterRoleBindingBuilder()
                        .withNewMetadata()
                        .withName(role)
                        .endMetadata()
                        .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", role)
                        .addNewSubject()
                        .withKind("ServiceAccount")
                        .withName("checkpointer")
                        .withNamespace(namespace.name())
                        .endSubject()
                        .build())
                .create();
        try {
            List<String> archives = await().atMost(Duration.ofSeconds(60))
                    .ignoreExceptionsInstanceOf(KubeletCheckpointException.class)
                    .until(
                            () -> kubelet.checkpoint(namespace.name(), "direct", "main", Duration.ofSeconds(60)),
                            a -> !a.isEmpty());
            assertThat(Path.of(archives.getFirst()))
                    .exists()
                    .satisfies(p -> assertThat(p.getFileName().toString())
                            .startsWith("checkpoint-direct_" + namespace.name() + "-main-"));
            Files.deleteIfExists(Path.of(archives.getFirst()));
        } finally {
            client.rbac().clusterRoleBindings().withName(role).delete();
            client.rbac().clusterRoles().withName(role).delete();
        }
    }

    /**
     * The HTTP API with the real TokenReview and SubjectAccessReview: a service account's token is
     * accepted, and it may read archive metadata of its namespace only once RBAC grants it.
     */
    @Test
    void theHttpApiAuthenticatesAndAuthorisesThroughTheApiServer(KubernetesClient client, TestNamespace namespace)
            throws Exception {
        Path dir = Files.createTempDirectory(state, "checkpoints");
        Path archive = KubeletArchives.write(
                dir,
                KubeletArchives.Layout.CONTAINERD,
                namespace.name(),
                "web",
                "app",
                Instant.parse("2026-11-20T10:00:00Z"),
                1000);
        client.serviceAccounts()
                .resource(new ServiceAccountBuilder()
                        .withNewMetadata()
                        .withName("reader")
                        .endMetadata()
                        .build())
                .create();
        String token = client.serviceAccounts()
                .withName("reader")
                .tokenRequest(new TokenRequestBuilder()
                        .withNewSpec()
                        .withAudiences(KubernetesAccessReviewer.AUDIENCE)
                        .withExpirationSeconds(600L)
                        .endSpec()
                        .build())
                .getStatus()
                .getToken();
        ArchiveIndex index = ArchiveIndex.open(new IndexStore(state.resolve("index")));
        AgentMetrics metrics = new AgentMetrics(index);
        try (NodeAgent agent = new NodeAgent(
                        new AgentConfig(dir, state, Duration.ofMillis(100), Duration.ofMinutes(10), true),
                        index,
                        () -> null,
                        UnaryOperator.identity(),
                        CheckpointExporter.NONE,
                        metrics,
                        StatusSink.NONE,
                        Clock.systemUTC());
                AgentHttpServer server = new AgentHttpServer(
                        new InetSocketAddress("127.0.0.1", 0),
                        null,
                        agent,
                        new KubernetesAccessReviewer(client),
                        metrics,
                        null)) {
            agent.start();
            server.start();
            var http = HttpClient.newHttpClient();
            URI uri = URI.create("http://127.0.0.1:" + server.port() + "/v1/archives/" + archive.getFileName());
            Function<String, Integer> get = bearer -> {
                try {
                    return http.send(
                                    HttpRequest.newBuilder(uri)
                                            .header("Authorization", "Bearer " + bearer)
                                            .build(),
                                    HttpResponse.BodyHandlers.discarding())
                            .statusCode();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            };
            assertThat(get.apply("not-a-token")).isEqualTo(401);
            assertThat(get.apply(token)).isEqualTo(403);

            client.rbac()
                    .roles()
                    .resource(new RoleBuilder()
                            .withNewMetadata()
                            .withName("viewer")
                            .endMetadata()
                            .addNewRule()
                            .withApiGroups("amber.dev")
                            .withResources("checkpointarchives")
                            .withVerbs("get")
                            .endRule()
                            .build())
                    .create();
            client.rbac()
                    .roleBindings()
                    .resource(new RoleBindingBuilder()
                            .withNewMetadata()
                            .withName("viewer")
                            .endMetadata()
                            .withNewRoleRef("rbac.authorization.k8s.io", "Role", "viewer")
                            .addNewSubject()
                            .withKind("ServiceAccount")
                            .withName("reader")
                            .withNamespace(namespace.name())
                            .endSubject()
                            .build())
                    .create();
            // The reviewer caches decisions for 10 s, as the kubelet's webhook authoriser does.
            await().atMost(Duration.ofSeconds(40)).until(() -> get.apply(token) == 200);
            URI content = URI.create(uri + "/content");
            assertThat(http.send(
                                    HttpRequest.newBuilder(content)
                                            .header("Authorization", "Bearer " + token)
                                            .build(),
                                    HttpResponse.BodyHandlers.discarding())
                            .statusCode())
                    .as("content needs its own grant")
                    .isEqualTo(403);
        }
    }
}
