package dev.amber.e2e.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.amber.nodestate.NodeStateServer;
import dev.amber.testkit.cluster.LocalCluster;
import dev.amber.testkit.cluster.LocalClusterExtension;
import dev.amber.testkit.cluster.TestNamespace;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.LogWatch;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import org.awaitility.core.ThrowingRunnable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The wrapper as the entrypoint of a real container: the image of {@code examples/wrapper/Dockerfile}
 * (built by {@code examples/wrapper/build-image}) runs as {@code examples/wrapper/statefulset.yaml}
 * on the local cluster. Deleting the pod makes the kubelet send SIGTERM; the wrapper checkpoints
 * into the pod's volume, the StatefulSet recreates the pod, and the wrapper in the new container
 * restores the counter, which goes on from the number it last printed. Twice, so a restored app is
 * checkpointed again, and once more for a pod sharing its pid namespace. Then
 * {@code checkpointOn: node-shutdown} with the node-state server deciding, ending in a move from a
 * node going away to the other node. The server runs in this JVM, but as the ServiceAccount of
 * {@code examples/wrapper/node-state-server.yaml} with that file's RBAC.
 *
 * <p>The manifests are the example's own, changed only where this cluster or the step needs it: the
 * image reference, a pin to node A (node B for the last move), a hostPath PersistentVolume for the
 * claim (there is no storage provisioner here), and one line of the wrapper's config
 * ({@code checkpointOn: always}, or the node-state server's address: there is no cluster DNS). The
 * security context is used as the example has it.
 */
@Tag("cluster")
@ExtendWith(LocalClusterExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WrapperInContainerTest {

    private static final String LOCAL_IMAGE = "localhost/amber-example/counter-wrapped:latest";
    private static final String STATEFULSET = "counter";
    private static final String POD = "counter-0";
    private static final String CLAIM = "images-" + POD;
    private static final String EXAMPLE_CHECKPOINT_ON = "checkpointOn: node-shutdown";
    private static final String EXAMPLE_SERVER_URL =
            "nodeStateServerURL: http://amber-node-state-server.amber-system.svc";
    private static final Pattern COUNT = Pattern.compile("(?m)^count (\\d+)$");
    private static final Duration IMAGE_BUILD_TIMEOUT = Duration.ofMinutes(20);
    private static final Duration POD_TIMEOUT = Duration.ofMinutes(3);
    /** The cluster-autoscaler's taint, with an effect that keeps this test's own pod schedulable on the node. */
    private static final String SHUTDOWN_TAINT = "ToBeDeletedByClusterAutoscaler";

    private static Path repository;
    private static String image;
    private static Path imageDir;
    private static String volumeName;
    /** Cluster-scoped objects this class created; namespaced ones go with the namespace. */
    private static final List<HasMetadata> CLUSTER_SCOPED = new ArrayList<>();

    @BeforeAll
    static void buildAndPushTheExampleImage(LocalCluster cluster, TestNamespace namespace, KubernetesClient client)
            throws Exception {
        repository = cluster.repository();
        String built = ShippedManifests.run(
                        cluster.repository(),
                        IMAGE_BUILD_TIMEOUT,
                        Map.of(),
                        cluster.repository()
                                .resolve("examples/wrapper/build-image")
                                .toString(),
                        LOCAL_IMAGE)
                .strip();
        assertThat(built.lines().toList().getLast()).isEqualTo(LOCAL_IMAGE);
        // The registry lives as long as the cluster, so the image is pushed for every run.
        image = LocalCluster.REGISTRY + "/amber-example/counter-wrapped:" + namespace.name();
        ShippedManifests.run(
                cluster.repository(),
                Duration.ofMinutes(5),
                Map.of(),
                "buildah",
                "push",
                "--quiet",
                "--tls-verify=false",
                LOCAL_IMAGE,
                "docker://" + image);

        // Both nodes run on this machine, so a hostPath volume is one disk that outlives every pod.
        imageDir = Files.createTempDirectory("amber-wrapper-images-");
        volumeName = namespace.name() + "-images";
        client.persistentVolumes()
                .resource(new PersistentVolumeBuilder()
                        .withNewMetadata()
                        .withName(volumeName)
                        .endMetadata()
                        .withNewSpec()
                        .withCapacity(Map.of("storage", new Quantity("2Gi")))
                        .withAccessModes("ReadWriteOnce")
                        .withPersistentVolumeReclaimPolicy("Retain")
                        .withNewHostPath()
                        .withPath(imageDir.toString())
                        .withType("Directory")
                        .endHostPath()
                        .withNewClaimRef()
                        .withNamespace(namespace.name())
                        .withName(CLAIM)
                        .endClaimRef()
                        .endSpec()
                        .build())
                .create();
    }

    @AfterAll
    static void removeWhatTheClassCreated(KubernetesClient client) throws Exception {
        client.apps().statefulSets().withName(STATEFULSET).delete();
        client.pods().withName(POD).waitUntilCondition(pod -> pod == null, 3, TimeUnit.MINUTES);
        client.persistentVolumeClaims().withName(CLAIM).delete();
        if (volumeName != null) {
            client.persistentVolumes().withName(volumeName).delete();
        }
        CLUSTER_SCOPED.forEach(object -> client.resource(object).delete());
        if (imageDir != null) {
            ShippedManifests.run(
                    imageDir.getParent(), Duration.ofMinutes(1), Map.of(), "rm", "-rf", imageDir.toString());
        }
    }

    @Test
    @Order(1)
    void theExampleStatefulSetStartsTheCounterUnderTheWrapper(KubernetesClient client) throws IOException {
        applyExample(client, exampleConfig(client).replace(EXAMPLE_CHECKPOINT_ON, "checkpointOn: always"));

        Pod running = awaitRunning(client, null);
        assertThat(running.getSpec().getNodeName()).isEqualTo(LocalCluster.NODE_A);
        eventually(Duration.ofSeconds(60), () -> {
            String log = client.pods().withName(POD).getLog();
            assertThat(log)
                    .contains("amber-wrap: started python3 /app/counter.py")
                    .doesNotContain("restored");
            assertThat(counts(log)).hasSizeGreaterThanOrEqualTo(3);
        });
        assertThat(counts(client.pods().withName(POD).getLog())).startsWith(1L, 2L, 3L);
    }

    @Test
    @Order(2)
    void deletingThePodCheckpointsAndTheNextPodContinuesTheCount(KubernetesClient client) throws IOException {
        Cycle cycle = deleteAndAwaitSuccessor(client);

        assertThat(cycle.oldLog())
                .contains("amber-wrap: SIGTERM: checkpointing, because checkpointOn: always")
                .containsPattern("amber-wrap: checkpointed pid \\d+ into /var/lib/amber/images/checkpoint-");
        assertRestoredAndContinuing(client, cycle);
        assertThat(client.pods().withName(POD).getLog())
                .as("the launcher put /tmp/counter back and started criu before the JVM")
                .contains("started by the launcher before the JVM");
    }

    @Test
    @Order(3)
    void aRestoredCounterIsCheckpointedAndRestoredAgain(KubernetesClient client) throws IOException {
        Cycle cycle = deleteAndAwaitSuccessor(client);

        assertThat(cycle.oldLog())
                .contains("amber-wrap: restored python3 /app/counter.py")
                .contains("amber-wrap: SIGTERM: checkpointing, because checkpointOn: always");
        assertRestoredAndContinuing(client, cycle);
        assertThat(client.pods().withName(POD).getLog()).contains("started by the launcher before the JVM");
    }

    /**
     * With {@code shareProcessNamespace} the pause process is pid 1 and the wrapper gets a pid of a
     * few dozen. The change is a rolling update, so the StatefulSet controller ends the pod; the
     * next test's fresh start and restore then happen in such pods.
     */
    @Test
    @Order(4)
    void aPodSharingItsPidNamespaceIsRestoredToo(KubernetesClient client) {
        Cycle cycle = replaceThePod(
                client,
                () -> client.apps().statefulSets().withName(STATEFULSET).edit(set -> {
                    set.getSpec().getTemplate().getSpec().setShareProcessNamespace(true);
                    return set;
                }));

        assertThat(client.pods().withName(POD).get().getSpec().getShareProcessNamespace())
                .isTrue();
        assertThat(cycle.oldLog()).contains("amber-wrap: SIGTERM: checkpointing, because checkpointOn: always");
        assertRestoredAndContinuing(client, cycle);
    }

    @Test
    @Order(5)
    void withNodeShutdownOnlyANodeGoingAwayCheckpoints(KubernetesClient client, TestNamespace namespace)
            throws Exception {
        // The server runs here, but as the example's service account with the example's RBAC; its
        // Deployment needs an image with amber and its Service a kube-proxy, neither of which is here.
        String token = applyNodeStateServerAccess(client, namespace);
        Config asServer = new ConfigBuilder(client.getConfiguration())
                .withClientCertData(null)
                .withClientKeyData(null)
                .withClientCertFile(null)
                .withClientKeyFile(null)
                .withOauthToken(token)
                .build();
        try (KubernetesClient serverClient =
                        new KubernetesClientBuilder().withConfig(asServer).build();
                NodeStateServer server = NodeStateServer.start(serverClient, new InetSocketAddress("0.0.0.0", 0))) {
            server.awaitFirstList(Duration.ofSeconds(30));
            assertThat(httpGet(server.port(), readinessPath(client)).statusCode())
                    .as("the Deployment's readiness probe")
                    .isEqualTo(200);
            // No cluster DNS or kube-proxy here: the pod reaches the server on the node's own address.
            String url = "http://" + internalIp(client, LocalCluster.NODE_A) + ":" + server.port();
            applyExample(client, exampleConfig(client).replace(EXAMPLE_SERVER_URL, "nodeStateServerURL: " + url));

            // This pod was started under checkpointOn: always, so its SIGTERM still checkpoints; the
            // next one reads the node-shutdown config and restores.
            Cycle toNodeShutdownConfig = deleteAndAwaitSuccessor(client);
            assertRestoredAndContinuing(client, toNodeShutdownConfig);

            // A healthy node: SIGTERM reaches the app, the checkpoint is forgotten, the count starts over.
            Cycle healthy = deleteAndAwaitSuccessor(client);
            assertThat(healthy.oldLog())
                    .contains("amber-wrap: SIGTERM: passing it to the app, because the node is staying")
                    .doesNotContain("checkpointing, because the node");
            eventually(Duration.ofSeconds(60), () -> {
                String log = client.pods().withName(POD).getLog();
                assertThat(log)
                        .contains("amber-wrap: started python3 /app/counter.py")
                        .doesNotContain("restored");
                assertThat(counts(log)).startsWith(1L, 2L);
            });
            // Started above the pids the next pod's wrapper and CRIU will take, though not as pid 1.
            Matcher started = Pattern.compile("amber-wrap: started python3 /app/counter.py \\(pid (\\d+),")
                    .matcher(client.pods().withName(POD).getLog());
            assertThat(started.find()).isTrue();
            assertThat(Long.parseLong(started.group(1))).isGreaterThan(1000);

            // Node A is going away (the cluster-autoscaler's taint) and the pod moves to node B (its
            // template now says so, and the controller ends the old pod): now SIGTERM checkpoints,
            // and node B's containerd and kubelet run the restore. The volume is a hostPath, which
            // both nodes of this one machine see.
            try {
                setShutdownTaint(client, true);
                awaitNodeState(server.port(), LocalCluster.NODE_A, "shutting-down");
                Cycle leaving = replaceThePod(
                        client,
                        () -> client.apps().statefulSets().withName(STATEFULSET).edit(set -> {
                            set.getSpec()
                                    .getTemplate()
                                    .getSpec()
                                    .setNodeSelector(Map.of("kubernetes.io/hostname", LocalCluster.NODE_B));
                            return set;
                        }));
                assertThat(leaving.oldLog())
                        .contains("amber-wrap: SIGTERM: checkpointing, because the node is shutting down (")
                        .contains("taint " + SHUTDOWN_TAINT);
                assertThat(client.pods().withName(POD).get().getSpec().getNodeName())
                        .isEqualTo(LocalCluster.NODE_B);
                assertRestoredAndContinuing(client, leaving);
            } finally {
                setShutdownTaint(client, false);
            }
        }
    }

    /**
     * Creates the example's ServiceAccount (in the test's namespace), ClusterRole and binding (named
     * after the namespace, so test runs do not share them) and returns a token of the account.
     */
    private static String applyNodeStateServerAccess(KubernetesClient client, TestNamespace namespace)
            throws IOException {
        List<HasMetadata> objects = manifest(client, "node-state-server.yaml");
        objects.forEach(object -> ShippedManifests.createAccessObject(object, namespace, client, CLUSTER_SCOPED));
        String account = objects.stream()
                .filter(ServiceAccount.class::isInstance)
                .findFirst()
                .map(sa -> sa.getMetadata().getName())
                .orElse(null);
        assertThat(account).as("a ServiceAccount in node-state-server.yaml").isNotNull();
        return client.serviceAccounts()
                .withName(account)
                .tokenRequest()
                .getStatus()
                .getToken();
    }

    private static String readinessPath(KubernetesClient client) throws IOException {
        return manifest(client, "node-state-server.yaml").stream()
                .filter(Deployment.class::isInstance)
                .map(Deployment.class::cast)
                .findFirst()
                .orElseThrow()
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .getFirst()
                .getReadinessProbe()
                .getHttpGet()
                .getPath();
    }

    /** What one pod logged up to its end, and the pod that replaced it. */
    record Cycle(String oldLog, long lastCountBefore, String newPodUid) {}

    /**
     * Deletes the pod as {@code kubectl delete pod} does (graceful: the kubelet sends SIGTERM and
     * waits up to terminationGracePeriodSeconds), following its log to the end.
     */
    private static Cycle deleteAndAwaitSuccessor(KubernetesClient client) {
        return replaceThePod(client, () -> client.pods().withName(POD).delete());
    }

    /** Ends the running pod with {@code ending}, following its log to the end, and waits for its successor. */
    private static Cycle replaceThePod(KubernetesClient client, Runnable ending) {
        Pod old = awaitRunning(client, null);
        ByteArrayOutputStream followed = new ByteArrayOutputStream();
        try (LogWatch watch = client.pods().withName(POD).watchLog(followed)) {
            eventually(Duration.ofSeconds(30), () -> assertThat(text(followed)).contains("count "));
            ending.run();
            awaitRunning(client, old.getMetadata().getUid());
            eventually(
                    Duration.ofSeconds(30),
                    () -> assertThat(text(followed)).containsPattern("amber-wrap: (checkpointed|app \\(pid)"));
        }
        String oldLog = text(followed);
        List<Long> counts = counts(oldLog);
        assertThat(counts).as("counts the old pod printed:\n%s", oldLog).isNotEmpty();
        return new Cycle(
                oldLog,
                counts.getLast(),
                client.pods().withName(POD).get().getMetadata().getUid());
    }

    /** The new pod restored the checkpoint: its first count is the one after the old pod's last, and on it goes. */
    private static void assertRestoredAndContinuing(KubernetesClient client, Cycle cycle) {
        eventually(Duration.ofSeconds(60), () -> {
            String log = client.pods().withName(POD).getLog();
            assertThat(log)
                    .containsPattern(
                            "amber-wrap: restored python3 /app/counter.py \\(pid \\d+\\) from /var/lib/amber/images/checkpoint-")
                    .doesNotContain("amber-wrap: started");
            assertThat(counts(log)).hasSizeGreaterThanOrEqualTo(3);
        });
        List<Long> counts = counts(client.pods().withName(POD).getLog());
        assertThat(counts.getFirst()).as("first count after the restore").isEqualTo(cycle.lastCountBefore() + 1);
        for (int i = 1; i < counts.size(); i++) {
            assertThat(counts.get(i)).as("counts keep increasing by one").isEqualTo(counts.get(i - 1) + 1);
        }
        assertThat(client.pods().withName(POD).get().getMetadata().getUid()).isEqualTo(cycle.newPodUid());
    }

    /** The ConfigMap's config.yaml as the example ships it; each test changes one line of it. */
    private static String exampleConfig(KubernetesClient client) throws IOException {
        String config = exampleObjects(client).stream()
                .filter(ConfigMap.class::isInstance)
                .map(ConfigMap.class::cast)
                .findFirst()
                .orElseThrow()
                .getData()
                .get("config.yaml");
        assertThat(config)
                .as("the example's config")
                .contains(EXAMPLE_CHECKPOINT_ON)
                .contains(EXAMPLE_SERVER_URL);
        return config;
    }

    private static List<HasMetadata> exampleObjects(KubernetesClient client) throws IOException {
        return manifest(client, "statefulset.yaml");
    }

    private static List<HasMetadata> manifest(KubernetesClient client, String name) throws IOException {
        return ShippedManifests.load(repository, "examples/wrapper/" + name, client);
    }

    /** Applies the example's ConfigMap (with {@code config}) and StatefulSet, adapted to this cluster. */
    private static void applyExample(KubernetesClient client, String config) throws IOException {
        for (HasMetadata object : exampleObjects(client)) {
            if (object instanceof ConfigMap map) {
                map.getData().put("config.yaml", config);
                client.configMaps().resource(map).serverSideApply();
            } else if (object instanceof StatefulSet set) {
                var pod = set.getSpec().getTemplate().getSpec();
                assertThat(pod.getContainers()).hasSize(1);
                pod.getContainers().getFirst().setImage(image);
                pod.getContainers().getFirst().setImagePullPolicy("IfNotPresent");
                pod.setNodeSelector(Map.of("kubernetes.io/hostname", LocalCluster.NODE_A));
                if (client.apps().statefulSets().withName(STATEFULSET).get() == null) {
                    client.apps().statefulSets().resource(set).create();
                }
            } else {
                throw new AssertionError("unexpected object in the example: " + object.getKind());
            }
        }
    }

    /** The pod once it runs; with {@code notUid}, only a pod other than that one. */
    private static Pod awaitRunning(KubernetesClient client, String notUid) {
        return client.pods()
                .withName(POD)
                .waitUntilCondition(
                        pod -> pod != null
                                && pod.getMetadata().getDeletionTimestamp() == null
                                && !pod.getMetadata().getUid().equals(notUid)
                                && "Running".equals(pod.getStatus().getPhase()),
                        POD_TIMEOUT.toSeconds(),
                        TimeUnit.SECONDS);
    }

    private static String internalIp(KubernetesClient client, String node) {
        return client.nodes().withName(node).get().getStatus().getAddresses().stream()
                .filter(a -> "InternalIP".equals(a.getType()))
                .map(NodeAddress::getAddress)
                .findFirst()
                .orElseThrow();
    }

    private static void setShutdownTaint(KubernetesClient client, boolean present) {
        client.nodes().withName(LocalCluster.NODE_A).edit(node -> {
            List<Taint> taints = new ArrayList<>(
                    node.getSpec().getTaints() == null
                            ? List.of()
                            : node.getSpec().getTaints());
            taints.removeIf(t -> SHUTDOWN_TAINT.equals(t.getKey()));
            if (present) {
                taints.add(new TaintBuilder()
                        .withKey(SHUTDOWN_TAINT)
                        .withValue("amber-wrapper-test")
                        .withEffect("PreferNoSchedule")
                        .build());
            }
            node.getSpec().setTaints(taints);
            return node;
        });
    }

    private static void awaitNodeState(int port, String node, String state) {
        eventually(
                Duration.ofSeconds(30),
                () -> assertThat(httpGet(port, "/nodes/" + node).body())
                        .containsPattern("\"state\"\\s*:\\s*\"" + state + "\""));
    }

    private static HttpResponse<String> httpGet(int port, String path) {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("GET " + path + " on the node-state server", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static List<Long> counts(String log) {
        Matcher m = COUNT.matcher(log == null ? "" : log);
        List<Long> counts = new ArrayList<>();
        while (m.find()) {
            counts.add(Long.parseLong(m.group(1)));
        }
        return counts;
    }

    /** The log followed so far; the watch writes from its own thread, and every ByteArrayOutputStream method is synchronized. */
    private static String text(ByteArrayOutputStream out) {
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * Retries {@code assertion} until it passes or {@code timeout} ends. The API server's refusals
     * count as "not yet": a container that has only just started may not have a log to serve.
     */
    private static void eventually(Duration timeout, ThrowingRunnable assertion) {
        await().atMost(timeout)
                .pollInterval(Duration.ofMillis(500))
                .ignoreExceptionsInstanceOf(KubernetesClientException.class)
                .untilAsserted(assertion);
    }
}
