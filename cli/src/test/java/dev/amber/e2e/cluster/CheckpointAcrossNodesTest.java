package dev.amber.e2e.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.amber.cli.AmberCommand;
import dev.amber.testkit.cluster.BuildahCheckpointImage;
import dev.amber.testkit.cluster.LocalCluster;
import dev.amber.testkit.cluster.LocalClusterExtension;
import dev.amber.testkit.cluster.TestNamespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The acceptance path of the local cluster, in order: a counter runs on node A, the kubelet
 * checkpoints it through the API server's node proxy, the archive becomes a checkpoint image in the
 * local registry, a Pod on node B restores it and keeps counting, and tearing down leaves nothing.
 * Each step needs the one before it, so a failure stops the chain where it broke.
 */
@Tag("cluster")
@ExtendWith(LocalClusterExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CheckpointAcrossNodesTest {

    private static final String POD = "counter";
    private static final String CONTAINER = "counter";
    /** Prints an increasing count and a token drawn once at start: a restarted process would draw a new token. */
    private static final String COUNTER_SCRIPT = "token=$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \\n'); i=0; "
            + "while true; do echo \"count $i token $token\"; i=$((i+1)); sleep 1; done";

    private static final Pattern COUNT_LINE = Pattern.compile("(?m)^count (\\d+) token ([0-9a-f]+)$");
    private static final Duration POD_TIMEOUT = Duration.ofMinutes(3);

    /** State handed from one step to the next. */
    private static String sourceToken;

    private static long countBeforeCheckpoint;
    private static Path archive;
    private static String checkpointImage;

    @Test
    @Order(1)
    void counterPodRunsOnNodeA(KubernetesClient client) {
        client.pods()
                .resource(counterPod(POD, LocalCluster.NODE_A, LocalCluster.TEST_IMAGE))
                .create();

        Pod running = client.pods()
                .withName(POD)
                .waitUntilCondition(
                        pod -> pod != null && "Running".equals(pod.getStatus().getPhase()),
                        POD_TIMEOUT.toSeconds(),
                        TimeUnit.SECONDS);
        assertThat(running.getSpec().getNodeName()).isEqualTo(LocalCluster.NODE_A);
        eventually(
                Duration.ofSeconds(30),
                () -> assertThat(counts(client.pods().withName(POD).getLog())).hasSizeGreaterThanOrEqualTo(3));
        List<Count> counts = counts(client.pods().withName(POD).getLog());
        assertThat(counts)
                .extracting(Count::token)
                .containsOnly(counts.getFirst().token());
        sourceToken = counts.getFirst().token();
    }

    @Test
    @Order(2)
    void checkpointThroughTheNodeProxyWritesAnArchiveAmberCanRead(KubernetesClient client, TestNamespace namespace)
            throws Exception {
        assertThat(sourceToken).as("step 1 ran").isNotNull();
        countBeforeCheckpoint =
                counts(client.pods().withName(POD).getLog()).getLast().value();

        String path = "api/v1/nodes/" + LocalCluster.NODE_A + "/proxy/checkpoint/" + namespace.name() + "/" + POD + "/"
                + CONTAINER + "?timeout=120";
        HttpRequest request = client.getHttpClient()
                .newHttpRequestBuilder()
                .uri(client.getMasterUrl().toString() + path)
                .post("application/json", "")
                .build();
        HttpResponse<String> response =
                client.getHttpClient().sendAsync(request, String.class).get(3, TimeUnit.MINUTES);
        assertThat(response.code()).as("kubelet answer: %s", response.body()).isEqualTo(200);

        @SuppressWarnings("unchecked")
        List<String> items = (List<String>)
                Serialization.unmarshal(response.body(), Map.class).get("items");
        assertThat(items).hasSize(1);
        archive = Path.of(items.getFirst());
        assertThat(archive).isRegularFile();
        assertThat(archive.getFileName().toString())
                .startsWith("checkpoint-" + POD + "_" + namespace.name() + "-" + CONTAINER + "-");

        // A containerd-format archive: CRIU images, the OCI spec and the CRI status restore needs.
        List<String> entries = tarEntries(archive);
        assertThat(entries)
                .anyMatch(e -> e.startsWith("checkpoint/"))
                .contains("spec.dump", "config.dump", "status.dump");

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = AmberCommand.commandLine()
                .setOut(new PrintWriter(out))
                .setErr(new PrintWriter(err))
                .execute("show", archive.toString());
        assertThat(exit).as("amber show: %s", err).isZero();
        assertThat(out.toString()).contains(CONTAINER, namespace.name());

        // The whole archive decodes: a real containerd (kubelet) archive, engine metadata and CRIU images.
        StringWriter json = new StringWriter();
        exit = AmberCommand.commandLine()
                .setOut(new PrintWriter(json))
                .setErr(new PrintWriter(err))
                .execute("inspect", "--all", "--format", "json", archive.toString());
        assertThat(exit).as("amber inspect: %s", err).isZero();
        var inspected = Serialization.unmarshal(json.toString(), List.class).getFirst();
        @SuppressWarnings("unchecked")
        Map<String, Object> c = (Map<String, Object>) inspected;
        assertThat(c)
                .containsEntry("engine", "containerd")
                .containsEntry("container_name", CONTAINER)
                .containsEntry("pod", POD)
                .containsEntry("namespace", namespace.name());
        @SuppressWarnings("unchecked")
        Map<String, Object> root = (Map<String, Object>) c.get("process_tree");
        assertThat(root).containsEntry("command", "sh");
        assertThat((String) root.get("cmdline")).contains(COUNTER_SCRIPT.strip());
    }

    @Test
    @Order(3)
    void podOnNodeBRestoredFromTheCheckpointImageContinuesCounting(KubernetesClient client, TestNamespace namespace) {
        assertThat(archive).as("step 2 ran").isNotNull();
        checkpointImage = LocalCluster.REGISTRY + "/amber-test/" + namespace.name() + "-counter:checkpoint";
        BuildahCheckpointImage.push(
                archive,
                CONTAINER,
                Map.of(
                        "org.criu.checkpoint.engine.name",
                        "containerd",
                        "org.criu.checkpoint.pod.name",
                        POD,
                        "org.criu.checkpoint.pod.namespace",
                        namespace.name(),
                        "org.criu.checkpoint.rootfsImageName",
                        LocalCluster.TEST_IMAGE),
                checkpointImage);

        // A move: the source stops, then its checkpoint starts on the other node.
        client.pods().withName(POD).withGracePeriod(0).delete();
        client.pods().withName(POD).waitUntilCondition(pod -> pod == null, 2, TimeUnit.MINUTES);
        assertRestoredOnNodeBContinuesCounting(client, POD + "-restored", checkpointImage);
    }

    @Test
    @Order(4)
    void podOnNodeBRestoredFromAnImageAmberPushedContinuesCounting(KubernetesClient client, TestNamespace namespace) {
        assertThat(archive).as("step 2 ran").isNotNull();
        String reference = LocalCluster.REGISTRY + "/amber-test/" + namespace.name() + "-counter:amber";
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = AmberCommand.commandLine("image", "push")
                .setOut(new PrintWriter(out))
                .setErr(new PrintWriter(err))
                .execute("image", "push", "--insecure", archive.toString(), reference);
        assertThat(exit).as("amber image push: %s", err).isZero();

        assertRestoredOnNodeBContinuesCounting(client, POD + "-from-amber-image", reference);
    }

    /** Creates a Pod on node B from a checkpoint image; it must run the checkpointed process on. */
    private static void assertRestoredOnNodeBContinuesCounting(KubernetesClient client, String restored, String image) {
        client.pods().resource(counterPod(restored, LocalCluster.NODE_B, image)).create();

        Pod running = client.pods()
                .withName(restored)
                .waitUntilCondition(
                        pod -> pod != null && "Running".equals(pod.getStatus().getPhase()),
                        POD_TIMEOUT.toSeconds(),
                        TimeUnit.SECONDS);
        assertThat(running.getSpec().getNodeName()).isEqualTo(LocalCluster.NODE_B);
        assertThat(running.getStatus().getContainerStatuses().getFirst().getRestartCount())
                .isZero();

        // Lines after the checkpoint carry the source's token: the same process state, not a fresh start.
        eventually(Duration.ofSeconds(30), () -> {
            List<Count> after = counts(client.pods().withName(restored).getLog()).stream()
                    .filter(c -> c.value() > countBeforeCheckpoint + 1)
                    .toList();
            assertThat(after).hasSizeGreaterThanOrEqualTo(2);
            assertThat(after).extracting(Count::token).containsOnly(sourceToken);
        });
        List<Count> all = counts(client.pods().withName(restored).getLog());
        for (int i = 1; i < all.size(); i++) {
            assertThat(all.get(i).value())
                    .as("counts in the restored log keep increasing")
                    .isEqualTo(all.get(i - 1).value() + 1);
        }
    }

    @Test
    @Order(5)
    void deletingEverythingAndClusterDownLeaveNothingBehind(
            KubernetesClient client, TestNamespace namespace, LocalCluster cluster) throws IOException {
        client.namespaces().withName(namespace.name()).delete();
        client.namespaces().withName(namespace.name()).waitUntilCondition(ns -> ns == null, 3, TimeUnit.MINUTES);
        // Another test JVM on this machine (a developer's, not CI's single run) may still be using the cluster.
        List<String> otherTestNamespaces =
                client.namespaces().withLabel(LocalClusterExtension.TEST_CLASS_LABEL).list().getItems().stream()
                        .map(ns -> ns.getMetadata().getName())
                        .toList();
        assumeTrue(otherTestNamespaces.isEmpty(), "other test classes still use the cluster: " + otherTestNamespaces);
        client.close();

        cluster.down();

        assertThat(cluster.isRunning()).isFalse();
        assertThat(Files.readAllLines(Path.of("/proc/self/mountinfo")))
                .as("mounts of the cluster")
                .noneMatch(line -> line.contains(" /var/lib/amber-cluster/") || line.contains(" /run/amber-cluster/"));
        assertThat(clusterProcesses()).as("processes of the cluster").isEmpty();
        assertThat(Path.of("/sys/fs/cgroup/pids/" + LocalCluster.NODE_A)).doesNotExist();
        assertThat(Path.of("/sys/fs/cgroup/pids/" + LocalCluster.NODE_B)).doesNotExist();
    }

    private static Pod counterPod(String name, String node, String image) {
        return new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .addToLabels("app", "counter")
                .endMetadata()
                .withNewSpec()
                .withNodeSelector(Map.of("kubernetes.io/hostname", node))
                .withRestartPolicy("Never")
                .withTerminationGracePeriodSeconds(1L)
                .addNewContainer()
                .withName(CONTAINER)
                .withImage(image)
                .withImagePullPolicy(image.startsWith("localhost/") ? "Never" : "IfNotPresent")
                .withCommand("/bin/sh", "-c", COUNTER_SCRIPT)
                .endContainer()
                .endSpec()
                .build();
    }

    record Count(long value, String token) {}

    /** Retries {@code assertion} until it passes or {@code timeout} ends, then rethrows its last failure. */
    private static void eventually(Duration timeout, Runnable assertion) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                assertion.run();
                return;
            } catch (AssertionError notYet) {
                if (System.nanoTime() > deadline) {
                    throw notYet;
                }
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private static List<Count> counts(String log) {
        Matcher m = COUNT_LINE.matcher(log == null ? "" : log);
        List<Count> counts = new ArrayList<>();
        while (m.find()) {
            counts.add(new Count(Long.parseLong(m.group(1)), m.group(2)));
        }
        return counts;
    }

    private static List<String> tarEntries(Path tar) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("tar", "-tf", tar.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as("tar -tf %s: %s", tar, out).isZero();
        return out.lines().map(l -> l.startsWith("./") ? l.substring(2) : l).toList();
    }

    /**
     * Processes the cluster left: anything running a binary from the cluster's build cache, anything
     * whose command line names the cluster's state directories (containerd shims, the registry), and
     * the counter itself, wherever it runs.
     */
    private static List<String> clusterProcesses() throws IOException {
        List<String> found = new ArrayList<>();
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+"))
                    .toList()) {
                String cmdline;
                String exe;
                try {
                    cmdline = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8)
                            .replace('\0', ' ');
                    exe = Files.readSymbolicLink(proc.resolve("exe")).toString();
                } catch (IOException goneOrKernelThread) {
                    continue;
                }
                boolean clusterBinary = exe.contains("/amber-cluster/") && exe.contains("/bin/");
                boolean clusterState =
                        cmdline.contains("/var/lib/amber-cluster/") || cmdline.contains("/run/amber-cluster/");
                if (clusterBinary || clusterState || cmdline.contains(COUNTER_SCRIPT)) {
                    found.add(proc.getFileName() + ": " + exe + " " + cmdline.strip());
                }
            }
        }
        return found;
    }
}
