package dev.amber.e2e.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.amber.api.v1alpha1.Checkpoint;
import dev.amber.api.v1alpha1.CheckpointPhase;
import dev.amber.testkit.cluster.AgentFixtures;
import dev.amber.testkit.cluster.LocalCluster;
import dev.amber.testkit.cluster.LocalClusterExtension;
import dev.amber.testkit.cluster.TestNamespace;
import dev.amber.testkit.process.ExternalCommand;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
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
        assertThat(image).startsWith(cluster.podRegistry() + "/checkpoints@sha256:");
        String digest = image.substring(image.indexOf('@') + 1);
        HttpResponse<String> manifest = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(
                                        "http://" + LocalCluster.REGISTRY + "/v2/checkpoints/manifests/" + digest))
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
        client.resource(new PodBuilder()
                        .withNewMetadata()
                        .withName("counter")
                        .withNamespace(namespace.name())
                        .endMetadata()
                        .withNewSpec()
                        .withNodeSelector(Map.of("kubernetes.io/hostname", LocalCluster.NODE_A))
                        .withTerminationGracePeriodSeconds(1L)
                        .addNewContainer()
                        .withName("main")
                        .withImage(LocalCluster.TEST_IMAGE)
                        .withImagePullPolicy("Never")
                        .withCommand("/bin/sh", "-c", COUNTER)
                        .endContainer()
                        .endSpec()
                        .build())
                .create();
        client.pods()
                .inNamespace(namespace.name())
                .withName("counter")
                .waitUntilCondition(
                        p -> p != null && "Running".equals(p.getStatus().getPhase()), 2, TimeUnit.MINUTES);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> counts(client, namespace, "counter").size() >= 3);

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

    /** The counter's lines as {count, token}. */
    private static List<long[]> counts(KubernetesClient client, TestNamespace namespace, String pod) {
        String log = client.pods().inNamespace(namespace.name()).withName(pod).getLog();
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
        client.resource(AgentFixtures.sleeper(namespace, name, node)).create();
        client.pods()
                .inNamespace(namespace.name())
                .withName(name)
                .waitUntilCondition(
                        p -> p != null && "Running".equals(p.getStatus().getPhase()), 2, TimeUnit.MINUTES);
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
