package dev.amber.e2e.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.amber.testkit.cluster.LocalCluster;
import dev.amber.testkit.cluster.LocalClusterExtension;
import dev.amber.testkit.cluster.TestNamespace;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LinuxContainerUser;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code examples/wrapper/node-state-server.yaml} as it ships, with the image {@code deploy/image/build}
 * makes: two replicas of {@code amber node-state-server} in pods, each watching Nodes as the file's
 * ServiceAccount under its ClusterRole. Each replica must become Ready (the file's readiness probe) and
 * answer on its own for a healthy node, a node the cluster-autoscaler is removing, an unknown node, and
 * {@code /metrics}.
 *
 * <p>Changed from the file, and why: the image reference (this run's push); the namespace, the test
 * class's own instead of {@code amber-system}, and the ClusterRole and binding named after it, so that
 * runs on the shared cluster neither collide nor leave anything behind; and the API server's address in
 * the pods' environment. This cluster has no kube-proxy, so the {@code kubernetes} Service's ClusterIP,
 * which the kubelet puts in {@code KUBERNETES_SERVICE_HOST}, leads nowhere; the pods get the address that
 * Service's endpoints name instead, which is where a kube-proxy would send them. For the same reason
 * (and no cluster DNS) the test talks to each replica on its pod IP, not through the file's Service;
 * that the Service selects both replicas is checked through its endpoints.
 */
@Tag("cluster")
@ExtendWith(LocalClusterExtension.class)
class NodeStateServerDeploymentTest {

    private static final String MANIFEST = "examples/wrapper/node-state-server.yaml";
    /** The uid and gid deploy/image/Containerfile gives its user. */
    private static final long NON_ROOT_ID = 65532;

    private static final String AUTOSCALER_TAINT = "ToBeDeletedByClusterAutoscaler";
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);
    /** A Node change reaching both replicas' answers (a watch event): the whole taint test takes under 2 s here. */
    private static final Duration STATE_CHANGE_TIMEOUT = Duration.ofSeconds(30);

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Deployment deployment;
    private static Service service;
    private static String taintValue;
    /** Cluster-scoped objects this class created; namespaced ones go with the namespace. */
    private static final List<HasMetadata> CLUSTER_SCOPED = new ArrayList<>();

    @BeforeAll
    static void deployTheShippedManifestWithTheBuiltImage(
            LocalCluster cluster, TestNamespace namespace, KubernetesClient client) throws Exception {
        String image = ShippedManifests.pushAmberImage(cluster.repository(), namespace);
        taintValue = namespace.name();
        for (HasMetadata object : ShippedManifests.load(cluster.repository(), MANIFEST, client)) {
            if (ShippedManifests.createAccessObject(object, namespace, client, CLUSTER_SCOPED)) {
                continue;
            }
            switch (object) {
                case Deployment d -> {
                    Container server =
                            d.getSpec().getTemplate().getSpec().getContainers().getFirst();
                    server.setImage(image);
                    ShippedManifests.useApiServerInsteadOfItsService(server, client);
                    deployment = client.apps()
                            .deployments()
                            .resource(ShippedManifests.inTestNamespace(d, namespace))
                            .create();
                }
                case Service s ->
                    service = client.services()
                            .resource(ShippedManifests.inTestNamespace(s, namespace))
                            .create();
                default -> throw new AssertionError("unexpected object in " + MANIFEST + ": " + object.getKind());
            }
        }
        assertThat(deployment).as("a Deployment in " + MANIFEST).isNotNull();
        assertThat(service).as("a Service in " + MANIFEST).isNotNull();
        client.apps()
                .deployments()
                .withName(deployment.getMetadata().getName())
                .waitUntilCondition(
                        d -> d != null
                                && d.getStatus() != null
                                && d.getSpec()
                                        .getReplicas()
                                        .equals(d.getStatus().getReadyReplicas()),
                        READY_TIMEOUT.toSeconds(),
                        TimeUnit.SECONDS);
    }

    @AfterAll
    static void removeClusterScopedObjects(KubernetesClient client) {
        CLUSTER_SCOPED.forEach(object -> client.resource(object).delete());
    }

    @Test
    void bothReplicasAreReadyAndTheServiceSelectsThem(KubernetesClient client) {
        List<Pod> replicas = replicas(client);
        assertThat(replicas).hasSize(deployment.getSpec().getReplicas()).hasSize(2);
        // Ready means the readiness probe passed: /healthz answers 200 once the Node list is loaded.
        for (Pod pod : replicas) {
            assertThat(pod.getStatus().getConditions()).anySatisfy(c -> {
                assertThat(c.getType()).isEqualTo("Ready");
                assertThat(c.getStatus()).isEqualTo("True");
            });
            assertThat(get(pod, "/healthz").statusCode()).isEqualTo(200);
            assertThat(client.pods().withName(pod.getMetadata().getName()).getLog())
                    .contains("amber node-state-server: serving on 0.0.0.0:" + port());
        }
        eventually(() -> assertThat(serviceEndpoints(client))
                .containsExactlyInAnyOrderElementsOf(
                        replicas.stream().map(p -> p.getStatus().getPodIP()).toList()));
    }

    /**
     * The image's user, as the kubelet reports what the runtime applied: the manifest sets no
     * securityContext, so this is the image's {@code USER 65532:65532}. Kubernetes hands the runtime
     * only the uid; the group comes from the image's {@code /etc/passwd} entry, without which it was 0.
     */
    @Test
    void everyReplicaRunsAsTheImagesNonRootUserAndGroup(KubernetesClient client) {
        for (Pod pod : replicas(client)) {
            LinuxContainerUser user =
                    pod.getStatus().getContainerStatuses().getFirst().getUser().getLinux();
            assertThat(user.getUid()).isEqualTo(NON_ROOT_ID);
            assertThat(user.getGid()).isEqualTo(NON_ROOT_ID);
            assertThat(user.getSupplementalGroups()).containsExactly(NON_ROOT_ID);
        }
    }

    @Test
    void everyReplicaAnswersRunningForAHealthyNode(KubernetesClient client) {
        for (Pod pod : replicas(client)) {
            HttpResponse<String> response = get(pod, "/nodes/" + LocalCluster.NODE_A);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
            JsonNode state = json(response);
            assertThat(state.path("name").asText()).isEqualTo(LocalCluster.NODE_A);
            assertThat(state.path("state").asText()).isEqualTo("running");
            assertThat(state.path("reason").asText()).isEqualTo("Ready=True");
        }
    }

    /**
     * The taint cluster-autoscaler puts on a node it is about to delete. Its effect is PreferNoSchedule
     * rather than the autoscaler's NoSchedule: the server reads only the key, and other test classes on
     * this shared cluster may be scheduling onto node B meanwhile.
     */
    @Test
    void everyReplicaSeesANodeTheAutoscalerIsRemovingAndItsReturn(KubernetesClient client) {
        List<Pod> replicas = replicas(client);
        try {
            setAutoscalerTaint(client, LocalCluster.NODE_B, true);
            for (Pod pod : replicas) {
                eventually(() -> {
                    JsonNode state = json(get(pod, "/nodes/" + LocalCluster.NODE_B));
                    assertThat(state.path("state").asText()).isEqualTo("shutting-down");
                    assertThat(state.path("reason").asText())
                            .isEqualTo("cluster-autoscaler is removing the node (taint " + AUTOSCALER_TAINT + ")");
                });
            }
        } finally {
            setAutoscalerTaint(client, LocalCluster.NODE_B, false);
        }
        for (Pod pod : replicas) {
            eventually(() -> assertThat(json(get(pod, "/nodes/" + LocalCluster.NODE_B))
                            .path("state")
                            .asText())
                    .isEqualTo("running"));
        }
    }

    @Test
    void everyReplicaAnswersUnknownForANodeThatDoesNotExist(KubernetesClient client) {
        String missing = "amber-no-such-node-" + taintValue;
        for (Pod pod : replicas(client)) {
            HttpResponse<String> response = get(pod, "/nodes/" + missing);
            assertThat(response.statusCode()).isEqualTo(404);
            JsonNode state = json(response);
            assertThat(state.path("name").asText()).isEqualTo(missing);
            assertThat(state.path("state").asText()).isEqualTo("unknown");
            assertThat(state.path("reason").asText()).isNotBlank();
        }
    }

    @Test
    void everyReplicaServesPrometheusMetrics(KubernetesClient client) {
        int nodes = client.nodes().list().getItems().size();
        for (Pod pod : replicas(client)) {
            get(pod, "/nodes/" + LocalCluster.NODE_A); // at least one answer to count
            HttpResponse<String> response = get(pod, "/metrics");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
            assertThat(response.body())
                    .contains("# TYPE amber_nodestate_nodes gauge")
                    .contains("# TYPE amber_nodestate_requests_total counter")
                    .containsPattern("(?m)^amber_nodestate_requests_total\\{state=\"running\"} [1-9]");
            double known = response.body()
                    .lines()
                    .filter(line -> line.startsWith("amber_nodestate_nodes{"))
                    .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                    .sum();
            assertThat(known).as("nodes counted over all states").isEqualTo(nodes);
        }
    }

    private static List<Pod> replicas(KubernetesClient client) {
        return client.pods().withLabels(deployment.getSpec().getSelector().getMatchLabels()).list().getItems().stream()
                .filter(pod -> pod.getMetadata().getDeletionTimestamp() == null)
                .toList();
    }

    /** The pod IPs the endpoint slices of the file's Service list as ready. */
    private static List<String> serviceEndpoints(KubernetesClient client) {
        return client
                .discovery()
                .v1()
                .endpointSlices()
                .withLabel("kubernetes.io/service-name", service.getMetadata().getName())
                .list()
                .getItems()
                .stream()
                .flatMap(slice -> slice.getEndpoints().stream())
                .filter(endpoint -> Boolean.TRUE.equals(endpoint.getConditions().getReady()))
                .map(Endpoint::getAddresses)
                .flatMap(List::stream)
                .toList();
    }

    /** The server's port, the Deployment's container port named by its readiness probe. */
    private static int port() {
        Container server =
                deployment.getSpec().getTemplate().getSpec().getContainers().getFirst();
        String name = server.getReadinessProbe().getHttpGet().getPort().getStrVal();
        return server.getPorts().stream()
                .filter(p -> name.equals(p.getName()))
                .map(ContainerPort::getContainerPort)
                .findFirst()
                .orElseThrow();
    }

    /** GET on the replica's pod IP: both nodes' pod bridges are on this machine, so it routes from here. */
    private static HttpResponse<String> get(Pod pod, String path) {
        URI uri = URI.create("http://" + pod.getStatus().getPodIP() + ":" + port() + path);
        try (HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            return http.send(
                    HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(
                    "GET " + uri + " on replica " + pod.getMetadata().getName(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON (" + response.statusCode() + "): " + response.body(), e);
        }
    }

    /** Adds or removes this run's autoscaler taint; other taints, and others' values of the key, stay. */
    private static void setAutoscalerTaint(KubernetesClient client, String node, boolean present) {
        client.nodes().withName(node).edit(n -> {
            List<Taint> taints = new ArrayList<>(
                    n.getSpec().getTaints() == null ? List.of() : n.getSpec().getTaints());
            taints.removeIf(t -> AUTOSCALER_TAINT.equals(t.getKey()) && taintValue.equals(t.getValue()));
            if (present) {
                taints.add(new TaintBuilder()
                        .withKey(AUTOSCALER_TAINT)
                        .withValue(taintValue)
                        .withEffect("PreferNoSchedule")
                        .build());
            }
            n.getSpec().setTaints(taints);
            return n;
        });
    }

    private static void eventually(org.awaitility.core.ThrowingRunnable assertion) {
        await().atMost(STATE_CHANGE_TIMEOUT)
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(assertion);
    }
}
