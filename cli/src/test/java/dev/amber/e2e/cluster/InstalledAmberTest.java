package dev.amber.e2e.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.amber.api.v1alpha1.Checkpoint;
import dev.amber.api.v1alpha1.CheckpointExport;
import dev.amber.api.v1alpha1.CheckpointPhase;
import dev.amber.api.v1alpha1.CheckpointSpec;
import dev.amber.api.v1alpha1.Restore;
import dev.amber.api.v1alpha1.RestoreSpec;
import dev.amber.api.v1alpha1.RuntimeCapability;
import dev.amber.testkit.cluster.AgentFixtures;
import dev.amber.testkit.cluster.LocalCluster;
import dev.amber.testkit.cluster.LocalClusterExtension;
import dev.amber.testkit.cluster.TestNamespace;
import dev.amber.testkit.process.ExternalCommand;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Amber as a newcomer installs it: {@code scripts/cluster install-amber} builds the image and installs the
 * Helm chart (two operator replicas electing a leader, an agent on each node with the chart's own TLS,
 * the chart's RBAC), then {@code kubectl amber checkpoint --export --wait} checkpoints a pod and pushes it
 * to the cluster's registry, and a checkpoint asked for while the leader is killed is finished by the
 * other replica. The release is removed afterwards: the other cluster tests run operators of their own.
 */
@Tag("cluster")
@ExtendWith(LocalClusterExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InstalledAmberTest {
    private static final String SYSTEM = "amber-system";
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(15);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Counts with a token drawn at start: a restored process keeps it, a fresh start draws another. */
    private static final String COUNTER = "token=$(head -c 7 /dev/urandom | od -An -tx1 | tr -d ' \\n'); i=0; "
            + "while true; do echo \"count $i token $token\"; i=$((i+1)); sleep 1; done";

    private static final Pattern COUNT_LINE = Pattern.compile("(?m)^count (\\d+) token ([0-9a-f]+)$");
    /** The image holds the jars this test runs from; Maven must not rewrite them under this JVM. */
    private static final Map<String, String> JARS_BUILT = Map.of("AMBER_IMAGE_JARS_BUILT", "1");

    private Path repository;
    private String kubeconfig;

    @BeforeAll
    void install(LocalCluster cluster) throws Exception {
        repository = cluster.repository();
        kubeconfig = cluster.kubeconfig().toString();
        ExternalCommand.Result installed = ExternalCommand.run(
                List.of(repository.resolve("scripts/cluster").toString(), "install-amber"),
                repository,
                JARS_BUILT,
                INSTALL_TIMEOUT);
        assertThat(installed.exitCode())
                .as("install-amber: %s", installed.stderr())
                .isZero();
    }

    @AfterAll
    void uninstall() throws Exception {
        ExternalCommand.run(
                List.of(repository.resolve("scripts/cluster").toString(), "uninstall-amber"),
                repository,
                Map.of(),
                Duration.ofMinutes(3));
    }

    @Test
    @Order(1)
    void installingAgainChangesNothingAndOneOfTwoOperatorsLeads(KubernetesClient client) throws Exception {
        ExternalCommand.Result again = ExternalCommand.run(
                List.of(repository.resolve("scripts/cluster").toString(), "install-amber"),
                repository,
                JARS_BUILT,
                INSTALL_TIMEOUT);
        assertThat(again.exitCode())
                .as("install-amber again: %s", again.stderr())
                .isZero();
        List<Pod> operators = pods(client, "amber-operator");
        assertThat(operators).hasSize(2).allSatisfy(p -> assertThat(ready(p)).isTrue());
        assertThat(pods(client, "amber-agent"))
                .extracting(p -> p.getSpec().getNodeName())
                .containsExactlyInAnyOrder(LocalCluster.NODE_A, LocalCluster.NODE_B);
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(holder(client))
                        .isIn(operators.stream()
                                .map(p -> p.getMetadata().getName())
                                .toList()));
    }

    @Test
    @Order(2)
    void kubectlAmberCheckpointExportsThePodToTheRegistry(
            LocalCluster cluster, KubernetesClient client, TestNamespace namespace) throws Exception {
        running(client, namespace, "exported", LocalCluster.NODE_A);

        ExternalCommand.Result result = kubectlAmber(
                "checkpoint",
                "exported",
                "-n",
                namespace.name(),
                "--name",
                "exported-1",
                "--export",
                "--wait",
                "--format",
                "json");

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        JsonNode json = JSON.readTree(result.stdout());
        assertThat(json.path("phase").asText()).isEqualTo("Succeeded");
        assertThat(json.path("node").asText()).isEqualTo(LocalCluster.NODE_A);
        String image = json.path("containers").get(0).path("image").asText();
        assertThat(image).startsWith(cluster.podRegistry() + "/checkpoints/" + namespace.name() + "@sha256:");
        String digest = image.substring(image.indexOf('@') + 1);
        HttpResponse<String> manifest = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://" + LocalCluster.REGISTRY + "/v2/checkpoints/"
                                        + namespace.name() + "/manifests/" + digest))
                                .header("Accept", "application/vnd.oci.image.manifest.v1+json")
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(manifest.statusCode()).as(manifest.body()).isEqualTo(200);
        assertThat(Path.of(json.path("containers").get(0).path("archivePath").asText()))
                .exists();
    }

    @Test
    @Order(3)
    void whenTheLeaderIsKilledTheOtherReplicaFinishesTheCheckpoint(KubernetesClient client, TestNamespace namespace)
            throws Exception {
        running(client, namespace, "survivor", LocalCluster.NODE_B);
        String leader = holder(client);

        ExternalCommand.Result created =
                kubectlAmber("checkpoint", "survivor", "-n", namespace.name(), "--name", "survivor-1");
        assertThat(created.exitCode()).as(created.stderr()).isZero();
        client.pods().inNamespace(SYSTEM).withName(leader).withGracePeriod(0).delete();

        Checkpoint done = await().atMost(Duration.ofMinutes(2))
                .until(
                        () -> client.resources(Checkpoint.class)
                                .inNamespace(namespace.name())
                                .withName("survivor-1")
                                .get(),
                        c -> c.getStatus() != null
                                && c.getStatus().phase != null
                                && c.getStatus().phase.terminal());
        assertThat(done.getStatus().phase).as("%s", done.getStatus().conditions).isEqualTo(CheckpointPhase.Succeeded);
        assertThat(holder(client)).as("the Lease moved to the other replica").isNotEqualTo(leader);
        Path archives = Path.of("/var/lib/amber-cluster/nodes", LocalCluster.NODE_B, "kubelet/checkpoints");
        try (var files = Files.list(archives)) {
            assertThat(files.filter(
                            f -> f.getFileName().toString().startsWith("checkpoint-survivor_" + namespace.name())))
                    .as("the container was checkpointed once")
                    .hasSize(1);
        }
    }

    /**
     * Issue 12's restore test: a counter checkpointed on node A and restored on node B goes on counting
     * with the same in-memory token (a cold start would draw a new one), past the count it had reached
     * when the checkpoint was taken.
     */
    @Test
    @Order(4)
    void kubectlAmberRestoreContinuesTheCountOnTheOtherNode(KubernetesClient client, TestNamespace namespace)
            throws Exception {
        counter(client, namespace, "counter", LocalCluster.NODE_A);

        ExternalCommand.Result checkpointed = kubectlAmber(
                "checkpoint", "counter", "-n", namespace.name(), "--name", "counter-1", "--export", "--wait");
        assertThat(checkpointed.exitCode()).as(checkpointed.stderr()).isZero();
        List<long[]> before = counts(client, namespace, "counter");
        long reached = before.getLast()[0];
        long token = before.getFirst()[1];

        ExternalCommand.Result restored = kubectlAmber(
                "restore",
                "counter-1",
                "-n",
                namespace.name(),
                "--node",
                LocalCluster.NODE_B,
                "--name",
                "counter-b",
                "--wait",
                "--format",
                "json");

        assertThat(restored.exitCode()).as(restored.stderr()).isZero();
        JsonNode json = JSON.readTree(restored.stdout());
        assertThat(json.path("phase").asText()).isEqualTo("Running");
        assertThat(json.path("node").asText()).isEqualTo(LocalCluster.NODE_B);
        assertThat(client.pods()
                        .inNamespace(namespace.name())
                        .withName("counter-b")
                        .get()
                        .getSpec()
                        .getNodeName())
                .isEqualTo(LocalCluster.NODE_B);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<long[]> after = counts(client, namespace, "counter-b");
            assertThat(after)
                    .as("every line of the restored pod carries the checkpointed process's token")
                    .allSatisfy(c -> assertThat(c[1]).isEqualTo(token));
            assertThat(after.getLast()[0])
                    .as("the count goes on past %s", reached)
                    .isGreaterThan(reached);
        });
    }

    /**
     * Each agent asks its node's containerd what it can do and publishes it on its Node; {@code kubectl amber
     * nodes} shows it.
     */
    @Test
    @Order(5)
    void everyAgentPublishesWhatItsRuntimeCanRestore(KubernetesClient client) throws Exception {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            for (String node : List.of(LocalCluster.NODE_A, LocalCluster.NODE_B)) {
                assertThat(restoreBackend(client, node)).as(node).isEqualTo("CreateContainer");
            }
        });
        ExternalCommand.Result nodes = kubectlAmber("nodes", "--format", "json");
        assertThat(nodes.exitCode()).as(nodes.stderr()).isZero();
        JsonNode json = JSON.readTree(nodes.stdout());
        assertThat(json.path("podLevelCheckpointApi").asBoolean()).isFalse();
        assertThat(json.path("nodes")).hasSize(2).allSatisfy(n -> {
            assertThat(n.path("runtime").path("runtime").asText()).isEqualTo("containerd");
            assertThat(n.path("runtime").path("runtimeVersion").asText()).isEqualTo("v2.3.7");
            assertThat(n.path("runtime").path("checkpoint").asBoolean()).isTrue();
            assertThat(n.path("runtime").path("restoreBackend").asText()).isEqualTo("CreateContainer");
        });
        ExternalCommand.Result table = kubectlAmber("nodes");
        assertThat(table.stdout())
                .contains("NODE", LocalCluster.NODE_A, "containerd v2.3.7", "CreateContainer")
                .contains("pod-level checkpoint/restore (checkpoint.k8s.io): not served");
    }

    /**
     * The agents may patch nodes, which RBAC cannot narrow; the chart's admission policy lets an agent change
     * only its own Node (named in its token), and there only amber.dev/ keys. The agent's identity is
     * impersonated with the node its token would name.
     */
    @Test
    @Order(6)
    void anAgentMayChangeOnlyItsOwnNodesAmberKeys(LocalCluster cluster) {
        Config config;
        try (KubernetesClient admin = cluster.newClient()) {
            config = new ConfigBuilder(admin.getConfiguration()).build();
        }
        config.setImpersonateUsername("system:serviceaccount:" + SYSTEM + ":amber-agent");
        // Extra keys travel percent-encoded in the Impersonate-Extra- header name, where a slash may not stand.
        config.setImpersonateExtras(Map.of("authentication.kubernetes.io%2Fnode-name", List.of(LocalCluster.NODE_A)));
        try (KubernetesClient agent =
                new KubernetesClientBuilder().withConfig(config).build()) {
            agent.nodes()
                    .withName(LocalCluster.NODE_A)
                    .patch(
                            PatchContext.of(PatchType.JSON_MERGE),
                            "{\"metadata\":{\"labels\":{\"amber.dev/e2e\":\"yes\"}}}");
            agent.nodes()
                    .withName(LocalCluster.NODE_A)
                    .patch(
                            PatchContext.of(PatchType.JSON_MERGE),
                            "{\"metadata\":{\"labels\":{\"amber.dev/e2e\":null}}}");
            assertThatThrownBy(() -> agent.nodes()
                            .withName(LocalCluster.NODE_B)
                            .patch(
                                    PatchContext.of(PatchType.JSON_MERGE),
                                    "{\"metadata\":{\"labels\":{\"amber.dev/e2e\":\"yes\"}}}"))
                    .isInstanceOf(KubernetesClientException.class)
                    .hasMessageContaining(
                            "an amber agent may change only the Node it runs on, not " + LocalCluster.NODE_B);
            assertThatThrownBy(() -> agent.nodes()
                            .withName(LocalCluster.NODE_A)
                            .patch(
                                    PatchContext.of(PatchType.JSON_MERGE),
                                    "{\"metadata\":{\"labels\":{\"e2e\":\"yes\"}}}"))
                    .isInstanceOf(KubernetesClientException.class)
                    .hasMessageContaining(
                            "an amber agent may change only amber.dev/ labels and annotations of its Node");
            assertThatThrownBy(() -> agent.nodes()
                            .withName(LocalCluster.NODE_A)
                            .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"unschedulable\":true}}"))
                    .isInstanceOf(KubernetesClientException.class)
                    .hasMessageContaining("an amber agent may not change a Node's spec");
        }
    }

    /**
     * Issue 12's failure path "a node whose runtime cannot restore": node B's containerd restarted with restore
     * through CreateContainer off, as containerd 2.3 ships. Its agent says so on the Node; a Restore to it fails
     * at once saying why and how to enable it, the original pod runs on and its archive stays; a Restore
     * without a node goes to the node that can, and continues the count there.
     */
    @Test
    @Order(7)
    void aNodeThatCannotRestoreIsRefusedAtOnceAndARestoreWithoutANodeGoesWhereItCan(
            KubernetesClient client, TestNamespace namespace) throws Exception {
        counter(client, namespace, "lone", LocalCluster.NODE_A);
        ExternalCommand.Result checkpointed = kubectlAmber(
                "checkpoint",
                "lone",
                "-n",
                namespace.name(),
                "--name",
                "lone-1",
                "--export",
                "--wait",
                "--format",
                "json");
        assertThat(checkpointed.exitCode()).as(checkpointed.stderr()).isZero();
        Path archive = Path.of(JSON.readTree(checkpointed.stdout())
                .path("containers")
                .get(0)
                .path("archivePath")
                .asText());
        long token = counts(client, namespace, "lone").getFirst()[1];
        try {
            restoreViaCreate(LocalCluster.NODE_B, "off");
            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(() -> assertThat(restoreBackend(client, LocalCluster.NODE_B))
                            .isEqualTo("None"));

            ExternalCommand.Result refused = kubectlAmber(
                    "restore",
                    "lone-1",
                    "-n",
                    namespace.name(),
                    "--node",
                    LocalCluster.NODE_B,
                    "--name",
                    "lone-b",
                    "--wait");

            assertThat(refused.exitCode()).isEqualTo(1);
            assertThat(refused.stderr().strip().lines().toList().getLast())
                    .contains("NodeCannotRestore")
                    .contains("node amber-node-b cannot restore: restore through CreateContainer is off")
                    .contains("set enable_experimental_restore_via_create = true");
            assertThat(client.pods()
                            .inNamespace(namespace.name())
                            .withName("lone-b")
                            .get())
                    .isNull();
            assertThat(client.pods()
                            .inNamespace(namespace.name())
                            .withName("lone")
                            .get()
                            .getStatus()
                            .getPhase())
                    .isEqualTo("Running");
            assertThat(archive).exists();

            ExternalCommand.Result placed = kubectlAmber(
                    "restore",
                    "lone-1",
                    "-n",
                    namespace.name(),
                    "--name",
                    "lone-anywhere",
                    "--wait",
                    "--format",
                    "json");

            assertThat(placed.exitCode()).as(placed.stderr()).isZero();
            assertThat(JSON.readTree(placed.stdout()).path("node").asText()).isEqualTo(LocalCluster.NODE_A);
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(counts(client, namespace, "lone-anywhere"))
                            .isNotEmpty()
                            .allSatisfy(c -> assertThat(c[1]).isEqualTo(token)));
        } finally {
            restoreViaCreate(LocalCluster.NODE_B, "on");
        }
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() ->
                        assertThat(restoreBackend(client, LocalCluster.NODE_B)).isEqualTo("CreateContainer"));
    }

    /** Issue 12's tests 2 and 3 for a pod of two containers: both are checkpointed, and both come back. */
    @Test
    @Order(8)
    void aTwoContainerPodIsCheckpointedAndRestoredWhole(KubernetesClient client, TestNamespace namespace)
            throws Exception {
        create(client, counterPod(namespace, "pair", LocalCluster.NODE_A, "left", "right"));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> counts(client, namespace, "pair", "right").size() >= 2);

        ExternalCommand.Result checkpointed = kubectlAmber(
                "checkpoint",
                "pair",
                "-n",
                namespace.name(),
                "--name",
                "pair-1",
                "--export",
                "--wait",
                "--format",
                "json");

        assertThat(checkpointed.exitCode()).as(checkpointed.stderr()).isZero();
        JsonNode json = JSON.readTree(checkpointed.stdout());
        assertThat(json.path("containers")).hasSize(2);
        assertThat(json.path("containers").get(0).path("name").asText()).isEqualTo("left");
        assertThat(json.path("containers").get(1).path("name").asText()).isEqualTo("right");
        assertThat(json.path("containers")).allSatisfy(c -> {
            assertThat(c.path("image").asText()).contains("@sha256:");
            assertThat(Path.of(c.path("archivePath").asText())).exists();
        });
        assertThat(json.path("containerSkewSeconds").asDouble()).isGreaterThan(0.0);
        long left = counts(client, namespace, "pair", "left").getFirst()[1];
        long right = counts(client, namespace, "pair", "right").getFirst()[1];

        ExternalCommand.Result restored = kubectlAmber(
                "restore",
                "pair-1",
                "-n",
                namespace.name(),
                "--node",
                LocalCluster.NODE_B,
                "--name",
                "pair-b",
                "--wait");

        assertThat(restored.exitCode()).as(restored.stderr()).isZero();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(counts(client, namespace, "pair-b", "left"))
                    .isNotEmpty()
                    .allSatisfy(c -> assertThat(c[1]).isEqualTo(left));
            assertThat(counts(client, namespace, "pair-b", "right"))
                    .isNotEmpty()
                    .allSatisfy(c -> assertThat(c[1]).isEqualTo(right));
        });
    }

    /**
     * Issue 12's test 5, with two real users (client certificates the API server authenticates): a Restore of a
     * Checkpoint in another namespace is refused for the user who may not get Checkpoints there, and admitted
     * for the one who may.
     */
    @Test
    @Order(9)
    void aCrossNamespaceRestoreNeedsTheCreatorsOwnGetOnCheckpointsThere(
            LocalCluster cluster, KubernetesClient client, TestNamespace namespace) {
        String other = namespace.name() + "-src";
        client.namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName(other)
                        .endMetadata()
                        .build())
                .create();
        try {
            grant(client, namespace.name(), "e2e-alice", "restores", "create");
            grant(client, namespace.name(), "e2e-bob", "restores", "create");
            grant(client, other, "e2e-bob", "checkpoints", "get");
            try (KubernetesClient alice = cluster.userClient("e2e-alice");
                    KubernetesClient bob = cluster.userClient("e2e-bob")) {
                await().atMost(Duration.ofSeconds(30))
                        .untilAsserted(() -> assertThatThrownBy(
                                        () -> alice.resource(crossNamespaceRestore(namespace, other, "by-alice"))
                                                .create())
                                .isInstanceOf(KubernetesClientException.class)
                                .hasMessageContaining(
                                        "e2e-alice may not get checkpoints.amber.dev in namespace " + other));
                Restore admitted = await().atMost(Duration.ofSeconds(30))
                        .ignoreExceptions()
                        .until(
                                () -> bob.resource(crossNamespaceRestore(namespace, other, "by-bob"))
                                        .create(),
                                r -> r != null);
                assertThat(admitted.getMetadata().getUid()).isNotBlank();
            }
        } finally {
            client.namespaces().withName(other).delete();
        }
    }

    /**
     * The operator reads a Checkpoint's push Secret for the agent, so creating a Checkpoint that names one needs
     * the creator's own get on that Secret: refused without it, admitted with it.
     */
    @Test
    @Order(10)
    void aCheckpointsPushSecretMustBeOneItsCreatorMayGet(
            LocalCluster cluster, KubernetesClient client, TestNamespace namespace) {
        client.resource(new SecretBuilder()
                        .withNewMetadata()
                        .withName("registry-login")
                        .withNamespace(namespace.name())
                        .endMetadata()
                        .withType("kubernetes.io/dockerconfigjson")
                        .addToStringData(".dockerconfigjson", "{\"auths\":{}}")
                        .build())
                .create();
        grant(client, namespace.name(), "e2e-carol", "checkpoints", "create");
        try (KubernetesClient carol = cluster.userClient("e2e-carol")) {
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThatThrownBy(
                                    () -> carol.resource(pushingCheckpoint(namespace, "by-carol"))
                                            .create())
                            .isInstanceOf(KubernetesClientException.class)
                            .hasMessageContaining(
                                    "pushes with Secret registry-login, but e2e-carol may not get that Secret"));
            client.resource(new RoleBuilder()
                            .withNewMetadata()
                            .withName("e2e-carol-secret")
                            .withNamespace(namespace.name())
                            .endMetadata()
                            .addNewRule()
                            .withApiGroups("")
                            .withResources("secrets")
                            .withResourceNames("registry-login")
                            .withVerbs("get")
                            .endRule()
                            .build())
                    .create();
            bind(client, namespace.name(), "e2e-carol", "e2e-carol-secret");
            Checkpoint admitted = await().atMost(Duration.ofSeconds(30))
                    .ignoreExceptions()
                    .until(
                            () -> carol.resource(pushingCheckpoint(namespace, "by-carol-2"))
                                    .create(),
                            c -> c != null);
            assertThat(admitted.getMetadata().getUid()).isNotBlank();
        }
    }

    /**
     * Issue 12's test 6: deleting a Checkpoint with deletionPolicy Delete deletes its archive on the node and its
     * image manifest in the registry before it goes; with Retain both stay. The pods are untouched either way.
     */
    @Test
    @Order(11)
    void deletionPolicyDeleteRemovesTheArchiveAndTheImageAndRetainKeepsThem(
            KubernetesClient client, TestNamespace namespace) throws Exception {
        running(client, namespace, "doomed", LocalCluster.NODE_A);
        JsonNode delete = checkpointed(namespace, "doomed", "doomed-1", "Delete");
        JsonNode retain = checkpointed(namespace, "doomed", "doomed-2", "Retain");
        Checkpoint held = client.resources(Checkpoint.class)
                .inNamespace(namespace.name())
                .withName("doomed-1")
                .get();
        assertThat(held.getMetadata().getFinalizers()).containsExactly("amber.dev/delete-artifacts");
        assertThat(client.resources(Checkpoint.class)
                        .inNamespace(namespace.name())
                        .withName("doomed-2")
                        .get()
                        .getMetadata()
                        .getFinalizers())
                .isEmpty();

        for (String name : List.of("doomed-1", "doomed-2")) {
            client.resources(Checkpoint.class)
                    .inNamespace(namespace.name())
                    .withName(name)
                    .delete();
        }
        await().atMost(Duration.ofMinutes(1))
                .until(() -> client.resources(Checkpoint.class).inNamespace(namespace.name()).list().getItems().stream()
                        .noneMatch(c -> c.getMetadata().getName().startsWith("doomed-")));

        assertThat(archive(delete)).doesNotExist();
        assertThat(manifestStatus(delete)).isEqualTo(404);
        assertThat(archive(retain)).exists();
        assertThat(manifestStatus(retain)).isEqualTo(200);
        assertThat(client.pods()
                        .inNamespace(namespace.name())
                        .withName("doomed")
                        .get()
                        .getStatus()
                        .getPhase())
                .isEqualTo("Running");
    }

    /**
     * Issue 12's test 7, the failure paths on real components: a kubelet that does not answer (node B's kubelet
     * stopped with SIGSTOP while the checkpoint is asked for), a registry that refuses the push (nothing listens
     * on its port) and a target node that does not exist. Each ends Failed with its reason in one line and exit 1;
     * the pod runs on, and no archive is deleted.
     */
    @Test
    @Order(12)
    void failuresEndInOneLineWithTheirReasonAndTouchNothing(KubernetesClient client, TestNamespace namespace)
            throws Exception {
        running(client, namespace, "steady", LocalCluster.NODE_B);
        JsonNode exported = checkpointed(namespace, "steady", "steady-1", "Retain");
        Path archive = archive(exported);

        long kubelet = Long.parseLong(
                Files.readString(Path.of("/run/amber-cluster/pids/kubelet-" + LocalCluster.NODE_B + ".pid"))
                        .strip());
        ExternalCommand.Result timedOut;
        signal(kubelet, "STOP");
        try {
            // The agent waits the kubelet's timeout plus 10 s, then gives up without retrying.
            timedOut = kubectlAmber(
                    "checkpoint",
                    "steady",
                    "-n",
                    namespace.name(),
                    "--name",
                    "steady-2",
                    "--checkpoint-timeout",
                    "1",
                    "--wait");
        } finally {
            signal(kubelet, "CONT");
        }
        assertFailedInOneLine(timedOut, "KubeletTimeout", "got no answer from kubelet");

        String node = client.nodes()
                .withName(LocalCluster.NODE_B)
                .get()
                .getStatus()
                .getAddresses()
                .getFirst()
                .getAddress();
        assertFailedInOneLine(
                kubectlAmber(
                        "checkpoint",
                        "steady",
                        "-n",
                        namespace.name(),
                        "--name",
                        "steady-3",
                        "--export",
                        node + ":1/checkpoints",
                        "--wait"),
                "ExportFailed",
                "cannot reach registry " + node + ":1");

        assertFailedInOneLine(
                kubectlAmber(
                        "restore",
                        "steady-1",
                        "-n",
                        namespace.name(),
                        "--node",
                        "amber-node-z",
                        "--name",
                        "steady-z",
                        "--wait"),
                "NoSuchNode",
                "no node amber-node-z in the cluster");

        assertThat(client.pods()
                        .inNamespace(namespace.name())
                        .withName("steady")
                        .get()
                        .getStatus()
                        .getPhase())
                .isEqualTo("Running");
        assertThat(archive).exists();
    }

    /**
     * A Restore of a checkpoint image by digest, with no Checkpoint behind it (an image another cluster pushed,
     * say): one container, named as the image says, goes on counting with its in-memory token on node B.
     */
    @Test
    @Order(13)
    void aCheckpointImageByDigestIsRestoredWithoutItsCheckpoint(KubernetesClient client, TestNamespace namespace)
            throws Exception {
        counter(client, namespace, "solo", LocalCluster.NODE_A);
        JsonNode exported = checkpointed(namespace, "solo", "solo-1", "Retain");
        String image = exported.path("image").asText();
        long token = counts(client, namespace, "solo").getFirst()[1];

        ExternalCommand.Result restored = kubectlAmber(
                "restore",
                "--image",
                image,
                "-n",
                namespace.name(),
                "--node",
                LocalCluster.NODE_B,
                "--name",
                "solo-b",
                "--wait",
                "--format",
                "json");

        assertThat(restored.exitCode()).as(restored.stderr()).isZero();
        assertThat(JSON.readTree(restored.stdout()).path("image").asText()).isEqualTo(image);
        Pod pod = client.pods().inNamespace(namespace.name()).withName("solo-b").get();
        assertThat(pod.getSpec().getContainers()).singleElement().satisfies(c -> {
            assertThat(c.getName()).isEqualTo("main");
            assertThat(c.getImage()).isEqualTo(image);
        });
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(counts(client, namespace, "solo-b"))
                        .isNotEmpty()
                        .allSatisfy(c -> assertThat(c[1]).isEqualTo(token)));
    }

    private static void assertFailedInOneLine(ExternalCommand.Result result, String reason, String message) {
        assertThat(result.exitCode()).as(result.stderr()).isEqualTo(1);
        String last = result.stderr().strip().lines().toList().getLast();
        assertThat(last)
                .startsWith("amber ")
                .contains("failed: " + reason + ": ")
                .contains(message);
        assertThat(result.stderr()).doesNotContain("\tat ").doesNotContain("Exception");
    }

    private static void signal(long pid, String signal) throws Exception {
        ExternalCommand.Result result = ExternalCommand.run(
                List.of("kill", "-" + signal, Long.toString(pid)), Path.of("/"), Map.of(), Duration.ofSeconds(10));
        assertThat(result.exitCode()).as(result.stderr()).isZero();
    }

    private JsonNode checkpointed(TestNamespace namespace, String pod, String name, String policy) throws Exception {
        ExternalCommand.Result result = kubectlAmber(
                "checkpoint",
                pod,
                "-n",
                namespace.name(),
                "--name",
                name,
                "--export",
                "--deletion-policy",
                policy,
                "--wait",
                "--format",
                "json");
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        return JSON.readTree(result.stdout()).path("containers").get(0);
    }

    private static Path archive(JsonNode container) {
        return Path.of(container.path("archivePath").asText());
    }

    /** The registry's answer for the container's image manifest, asked from this machine. */
    private static int manifestStatus(JsonNode container) throws Exception {
        String image = container.path("image").asText();
        String repository = image.substring(image.indexOf('/') + 1, image.indexOf('@'));
        String digest = image.substring(image.indexOf('@') + 1);
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://" + LocalCluster.REGISTRY + "/v2/" + repository
                                        + "/manifests/" + digest))
                                .header("Accept", "application/vnd.oci.image.manifest.v1+json")
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private static Restore crossNamespaceRestore(TestNamespace namespace, String other, String name) {
        Restore restore = new Restore();
        restore.setMetadata(new ObjectMetaBuilder()
                .withName(name)
                .withNamespace(namespace.name())
                .build());
        restore.setSpec(new RestoreSpec());
        restore.getSpec().checkpointName = "anything";
        restore.getSpec().checkpointNamespace = other;
        return restore;
    }

    private static Checkpoint pushingCheckpoint(TestNamespace namespace, String name) {
        Checkpoint checkpoint = new Checkpoint();
        checkpoint.setMetadata(new ObjectMetaBuilder()
                .withName(name)
                .withNamespace(namespace.name())
                .build());
        checkpoint.setSpec(new CheckpointSpec());
        checkpoint.getSpec().podName = "no-such-pod";
        checkpoint.getSpec().export = new CheckpointExport();
        checkpoint.getSpec().export.image = "127.0.0.1:5000/e2e";
        checkpoint.getSpec().export.pushSecretName = "registry-login";
        return checkpoint;
    }

    /** A Role in {@code namespace} with {@code verb} on amber.dev {@code resource}, bound to {@code user}. */
    private static void grant(KubernetesClient client, String namespace, String user, String resource, String verb) {
        String role = user + "-" + resource + "-" + verb;
        client.resource(new RoleBuilder()
                        .withNewMetadata()
                        .withName(role)
                        .withNamespace(namespace)
                        .endMetadata()
                        .addNewRule()
                        .withApiGroups("amber.dev")
                        .withResources(resource)
                        .withVerbs(verb)
                        .endRule()
                        .build())
                .create();
        bind(client, namespace, user, role);
    }

    private static void bind(KubernetesClient client, String namespace, String user, String role) {
        client.resource(new RoleBindingBuilder()
                        .withNewMetadata()
                        .withName(role)
                        .withNamespace(namespace)
                        .endMetadata()
                        .withNewRoleRef("rbac.authorization.k8s.io", "Role", role)
                        .addNewSubject()
                        .withApiGroup("rbac.authorization.k8s.io")
                        .withKind("User")
                        .withName(user)
                        .endSubject()
                        .build())
                .create();
    }

    private void restoreViaCreate(String node, String onOrOff) throws Exception {
        ExternalCommand.Result result = ExternalCommand.run(
                List.of(repository.resolve("scripts/cluster").toString(), "restore-via-create", node, onOrOff),
                repository,
                Map.of(),
                Duration.ofMinutes(2));
        assertThat(result.exitCode())
                .as("restore-via-create: %s", result.stderr())
                .isZero();
    }

    private static String restoreBackend(KubernetesClient client, String node) {
        var labels = client.nodes().withName(node).get().getMetadata().getLabels();
        return labels == null ? null : labels.get(RuntimeCapability.RESTORE_LABEL);
    }

    private static void counter(KubernetesClient client, TestNamespace namespace, String name, String node) {
        create(client, counterPod(namespace, name, node, "main"));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> counts(client, namespace, name).size() >= 3);
    }

    /** A pod of counting containers, each drawing its own token, on {@code node}. */
    private static Pod counterPod(TestNamespace namespace, String name, String node, String... containers) {
        PodBuilder pod = new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(namespace.name())
                .endMetadata()
                .withNewSpec()
                .withNodeSelector(Map.of("kubernetes.io/hostname", node))
                .withTerminationGracePeriodSeconds(1L)
                .endSpec();
        for (String container : containers) {
            pod.editSpec()
                    .addNewContainer()
                    .withName(container)
                    .withImage(LocalCluster.TEST_IMAGE)
                    .withImagePullPolicy("Never")
                    .withCommand("/bin/sh", "-c", COUNTER)
                    .endContainer()
                    .endSpec();
        }
        return pod.build();
    }

    /** Creates the pod and waits until it runs. */
    private static void create(KubernetesClient client, Pod pod) {
        client.resource(pod).create();
        client.pods()
                .inNamespace(pod.getMetadata().getNamespace())
                .withName(pod.getMetadata().getName())
                .waitUntilCondition(
                        p -> p != null && "Running".equals(p.getStatus().getPhase()), 2, TimeUnit.MINUTES);
    }

    /** One container's counter lines as {count, token}. */
    private static List<long[]> counts(KubernetesClient client, TestNamespace namespace, String pod, String container) {
        String log = client.pods()
                .inNamespace(namespace.name())
                .withName(pod)
                .inContainer(container)
                .getLog();
        return parseCounts(log);
    }

    /** The counter's lines as {count, token}. */
    private static List<long[]> counts(KubernetesClient client, TestNamespace namespace, String pod) {
        return parseCounts(
                client.pods().inNamespace(namespace.name()).withName(pod).getLog());
    }

    private static List<long[]> parseCounts(String log) {
        List<long[]> out = new ArrayList<>();
        Matcher m = COUNT_LINE.matcher(log == null ? "" : log);
        while (m.find()) {
            out.add(new long[] {Long.parseLong(m.group(1)), Long.parseUnsignedLong(m.group(2), 16)});
        }
        return out;
    }

    private ExternalCommand.Result kubectlAmber(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        Path kubectl = Path.of("/usr/bin/kubectl");
        if (Files.isExecutable(kubectl)) {
            command.add(kubectl.toString());
            command.add("amber");
        } else {
            command.add(repository.resolve("kubectl-amber").toString());
        }
        command.addAll(List.of(args));
        return ExternalCommand.run(
                command,
                repository,
                Map.of(
                        "PATH",
                        repository + ":" + System.getenv("PATH"),
                        "KUBECONFIG",
                        kubeconfig,
                        "AMBER_SKIP_BUILD",
                        "1"),
                Duration.ofMinutes(3));
    }

    private static void running(KubernetesClient client, TestNamespace namespace, String name, String node) {
        create(client, AgentFixtures.sleeper(namespace, name, node));
    }

    private static List<Pod> pods(KubernetesClient client, String name) {
        return client.pods().inNamespace(SYSTEM).withLabel("app.kubernetes.io/name", name).list().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                .toList();
    }

    private static boolean ready(Pod pod) {
        return pod.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    private static String holder(KubernetesClient client) {
        Lease lease =
                client.leases().inNamespace(SYSTEM).withName("amber-operator").get();
        return lease == null ? null : lease.getSpec().getHolderIdentity();
    }
}
