package dev.amber.e2e.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.amber.api.v1alpha1.Checkpoint;
import dev.amber.api.v1alpha1.CheckpointExport;
import dev.amber.api.v1alpha1.CheckpointPhase;
import dev.amber.api.v1alpha1.CheckpointPolicy;
import dev.amber.api.v1alpha1.CheckpointSpec;
import dev.amber.api.v1alpha1.NodeRetentionStatus;
import dev.amber.kube.kubelet.KubeletCheckpointClient;
import dev.amber.operator.AmberOperator;
import dev.amber.operator.OperatorSettings;
import dev.amber.testkit.cluster.AgentFixtures;
import dev.amber.testkit.cluster.CustomResourceDefinitions;
import dev.amber.testkit.cluster.LocalCluster;
import dev.amber.testkit.cluster.LocalClusterExtension;
import dev.amber.testkit.cluster.TestNamespace;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code deploy/agent} (the DaemonSet and its RBAC) as it ships, with the image {@code deploy/image/build}
 * makes: an agent pod on each node, as the files' ServiceAccount under their ClusterRoles, serving its
 * API over TLS. The agent on node A must index the kubelet's checkpoints of a pod there, answer for them
 * only to callers RBAC lets see them, keep them by the CheckpointPolicy and report in its status, as the
 * agent on node B reports for its node.
 *
 * <p>Changed from the files, and why: what {@link ShippedManifests} changes for every test (image,
 * namespace, cluster-scoped names, API server address); the policy, this run's instead of
 * {@code default}, covering only this test's pod, so that the checkpoints other tests leave on the
 * shared cluster are never touched; and the host paths. Both nodes of this cluster run on one machine,
 * each kubelet under {@code /var/lib/amber-cluster/nodes/NODE}, so the checkpoint volume mounts the
 * node's own directory ({@code subPathExpr: $(NODE_NAME)/kubelet/checkpoints}) where a real node has
 * {@code /var/lib/kubelet/checkpoints}, and each agent's state goes into a directory of this run. The
 * TLS secret the DaemonSet expects from elsewhere (cert-manager, say) is made here with openssl.
 */
@Tag("cluster")
@ExtendWith(LocalClusterExtension.class)
class AgentDaemonSetTest {
    private static final String DAEMONSET = "deploy/agent/daemonset.yaml";
    private static final String RBAC = "deploy/agent/rbac.yaml";
    private static final Path NODES = Path.of("/var/lib/amber-cluster/nodes");
    /** The name the TLS certificate carries; curl resolves it to an agent pod's IP. */
    private static final String TLS_NAME = "amber-agent";

    private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);
    /**
     * An archive the kubelet wrote reaching the agent's index, or the policy acting on it (inotify: well
     * under a second here).
     */
    private static final Duration AGENT_TIMEOUT = Duration.ofSeconds(60);

    private static final ObjectMapper JSON = new ObjectMapper();

    private static String policyName;
    private static DaemonSet daemonSet;
    private static Path stateRoot;
    private static Path certificate;
    private static final List<HasMetadata> CLUSTER_SCOPED = new ArrayList<>();

    @BeforeAll
    static void deployTheShippedAgentWithTheBuiltImage(
            LocalCluster cluster, TestNamespace namespace, KubernetesClient client) throws Exception {
        CustomResourceDefinitions.install(client, "checkpointpolicies.amber.dev-v1.yml");
        String image = ShippedManifests.pushAmberImage(cluster.repository(), namespace);
        policyName = "agent-daemonset-" + namespace.name();
        CLUSTER_SCOPED.add(client.resource(Serialization.unmarshal(
                        AgentFixtures.policyKeepingOneCheckpointOf(policyName, namespace, "sleeper"),
                        CheckpointPolicy.class))
                .create());
        stateRoot = Files.createTempDirectory(Path.of("/var/lib/amber-cluster"), "agent-state-");
        for (String node : List.of(LocalCluster.NODE_A, LocalCluster.NODE_B)) {
            Files.createDirectories(checkpoints(node));
        }
        client.secrets().resource(tlsSecret(namespace)).create();

        List<HasMetadata> objects = new ArrayList<>(ShippedManifests.load(cluster.repository(), RBAC, client));
        objects.addAll(ShippedManifests.load(cluster.repository(), DAEMONSET, client));
        for (HasMetadata object : objects) {
            if (ShippedManifests.createAccessObject(object, namespace, client, CLUSTER_SCOPED)) {
                continue;
            }
            if (!(object instanceof DaemonSet ds)) {
                throw new AssertionError("unexpected object in deploy/agent: " + object.getKind());
            }
            daemonSet = client.apps()
                    .daemonSets()
                    .resource(forThisCluster(ShippedManifests.inTestNamespace(ds, namespace), image, client))
                    .create();
        }
        assertThat(daemonSet).as("a DaemonSet in " + DAEMONSET).isNotNull();
        client.apps()
                .daemonSets()
                .withName(daemonSet.getMetadata().getName())
                .waitUntilCondition(
                        ds -> ds != null
                                && ds.getStatus() != null
                                && ds.getStatus().getDesiredNumberScheduled() != null
                                && ds.getStatus().getDesiredNumberScheduled() == 2
                                && ds.getStatus().getNumberReady() == 2,
                        READY_TIMEOUT.toSeconds(),
                        TimeUnit.SECONDS);
    }

    @AfterAll
    static void removeWhatTheClassMade(KubernetesClient client) throws Exception {
        try {
            if (daemonSet != null) {
                // The agents hold files in the state directory until their pods are gone.
                client.apps()
                        .daemonSets()
                        .resource(daemonSet)
                        .withTimeout(60, TimeUnit.SECONDS)
                        .delete();
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> client.pods()
                                .withLabels(daemonSet.getSpec().getSelector().getMatchLabels())
                                .list()
                                .getItems()
                                .isEmpty());
            }
        } finally {
            CLUSTER_SCOPED.forEach(object -> client.resource(object).delete());
            for (Path dir : new Path[] {stateRoot, certificate == null ? null : certificate.getParent()}) {
                if (dir != null) {
                    ShippedManifests.run(Path.of("/"), Duration.ofSeconds(30), Map.of(), "rm", "-rf", dir.toString());
                }
            }
        }
    }

    @Test
    void anAgentOnEveryNodeIsReadyAndServesItsApiOverTls(KubernetesClient client) throws Exception {
        Map<String, Pod> agents = agentsByNode(client);
        assertThat(agents).containsOnlyKeys(LocalCluster.NODE_A, LocalCluster.NODE_B);
        for (Pod agent : agents.values()) {
            assertThat(agent.getStatus().getConditions()).anySatisfy(c -> {
                assertThat(c.getType()).isEqualTo("Ready");
                assertThat(c.getStatus()).isEqualTo("True");
            });
            assertThat(get(agent, "/healthz", null)).isEqualTo(new Answer(200, "ok\n"));
            assertThat(get(agent, "/metrics", null).body()).contains("# TYPE");
            assertThat(client.pods().resource(agent).getLog())
                    .contains("agent on node " + agent.getSpec().getNodeName())
                    .contains("following CheckpointPolicy " + policyName);
        }
    }

    @Test
    void theAgentOnTheNodeIndexesKeepsAndServesKubeletCheckpointsByPolicyAndRbac(
            KubernetesClient client, TestNamespace namespace) throws Exception {
        client.pods()
                .resource(AgentFixtures.sleeper(namespace, "sleeper", LocalCluster.NODE_A))
                .create();
        client.pods()
                .withName("sleeper")
                .waitUntilCondition(
                        p -> p != null && "Running".equals(p.getStatus().getPhase()), 3, TimeUnit.MINUTES);
        Pod agent = agentsByNode(client).get(LocalCluster.NODE_A);
        String viewer = tokenFor(client, namespace, "viewer", "amber-checkpoint-viewer");
        String stranger = tokenFor(client, namespace, "stranger", null);
        KubeletCheckpointClient kubelet = KubeletCheckpointClient.viaApiServer(client, LocalCluster.NODE_A);
        try {
            String first = Path.of(kubelet.checkpoint(namespace.name(), "sleeper", "main", Duration.ofSeconds(120))
                            .getFirst())
                    .getFileName()
                    .toString();
            await().atMost(AGENT_TIMEOUT)
                    .ignoreExceptions()
                    .until(() -> get(agent, "/v1/archives/" + first, viewer).status() == 200);
            JsonNode record =
                    JSON.readTree(get(agent, "/v1/archives/" + first, viewer).body());
            assertThat(record.path("namespace").asText()).isEqualTo(namespace.name());
            assertThat(record.path("pod").asText()).isEqualTo("sleeper");
            assertThat(record.path("container").asText()).isEqualTo("main");
            // The files' RBAC decides: viewing is not downloading, and a token without a binding sees nothing.
            assertThat(get(agent, "/v1/archives/" + first + "/content", viewer).status())
                    .isEqualTo(403);
            assertThat(get(agent, "/v1/archives/" + first, stranger).status()).isEqualTo(403);
            assertThat(get(agent, "/v1/archives/" + first, null).status()).isEqualTo(401);

            Thread.sleep(1100); // kubelet archive names carry seconds
            String second = Path.of(kubelet.checkpoint(namespace.name(), "sleeper", "main", Duration.ofSeconds(120))
                            .getFirst())
                    .getFileName()
                    .toString();
            await().atMost(AGENT_TIMEOUT)
                    .until(() -> !Files.exists(checkpoints(LocalCluster.NODE_A).resolve(first)));
            assertThat(checkpoints(LocalCluster.NODE_A).resolve(second)).exists();
            // The file goes first, then the index entry.
            await().atMost(AGENT_TIMEOUT)
                    .ignoreExceptions()
                    .until(() -> get(agent, "/v1/archives/" + first, viewer).status() == 404);

            client.pods().withName("sleeper").withGracePeriod(0).delete();
            await().atMost(AGENT_TIMEOUT)
                    .until(() -> !Files.exists(checkpoints(LocalCluster.NODE_A).resolve(second)));

            // Each agent writes its own node's entry, which the ClusterRole's status rule allows.
            await().atMost(AGENT_TIMEOUT).ignoreExceptions().untilAsserted(() -> {
                CheckpointPolicy policy = client.resources(CheckpointPolicy.class)
                        .withName(policyName)
                        .get();
                assertThat(policy.getStatus().conditions).anySatisfy(c -> {
                    assertThat(c.getType()).isEqualTo("Valid");
                    assertThat(c.getStatus()).isEqualTo("True");
                });
                assertThat(policy.getStatus().nodes)
                        .extracting(n -> n.nodeName)
                        .contains(LocalCluster.NODE_A, LocalCluster.NODE_B);
                NodeRetentionStatus nodeA = policy.getStatus().nodes.stream()
                        .filter(n -> LocalCluster.NODE_A.equals(n.nodeName))
                        .findFirst()
                        .orElseThrow();
                assertThat(nodeA.recentDeletions)
                        .extracting(d -> d.reason)
                        .anyMatch(r -> r.startsWith("max-checkpoints"))
                        .anyMatch(r -> r.startsWith("orphan"));
            });
        } finally {
            try (var files = Files.list(checkpoints(LocalCluster.NODE_A))) {
                for (Path p : files.filter(f -> f.getFileName().toString().contains("_" + namespace.name() + "-"))
                        .toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /**
     * The operator, in this JVM, takes a Checkpoint through the shipped agent of the pod's node: the agent
     * calls its own kubelet, and the archive it reports is the one on that node, with CRIU's statistics.
     * The operator authenticates to the agent as a ServiceAccount bound to the shipped
     * {@code amber-checkpoint-taker} role, and trusts the agent by the CA and the name its certificate carries.
     */
    @Test
    void aCheckpointResourceIsTakenByTheAgentOfThePodsNode(
            LocalCluster cluster, KubernetesClient client, TestNamespace namespace) throws Exception {
        CustomResourceDefinitions.install(client, "checkpoints.amber.dev-v1.yml");
        // The operator watches Restores too: its informer needs their CRD.
        CustomResourceDefinitions.install(client, "restores.amber.dev-v1.yml");
        client.pods()
                .resource(AgentFixtures.sleeper(namespace, "taken", LocalCluster.NODE_B))
                .create();
        client.pods()
                .withName("taken")
                .waitUntilCondition(
                        p -> p != null && "Running".equals(p.getStatus().getPhase()), 3, TimeUnit.MINUTES);
        Path token = certificate.getParent().resolve("operator.token");
        Files.writeString(token, tokenFor(client, namespace, "operator", "amber-checkpoint-taker"));
        Checkpoint checkpoint = new Checkpoint();
        checkpoint.setMetadata(new ObjectMetaBuilder()
                .withName("taken-1")
                .withNamespace(namespace.name())
                .build());
        checkpoint.setSpec(new CheckpointSpec());
        checkpoint.getSpec().podName = "taken";
        try (KubernetesClient own = new KubernetesClientBuilder()
                        .withConfig(client.getConfiguration())
                        .build();
                AmberOperator operator = AmberOperator.start(
                        own,
                        new AmberOperator.Settings(
                                new OperatorSettings(null, Set.of(cluster.podRegistry()), 120),
                                namespace.name(),
                                "app.kubernetes.io/name=amber-agent",
                                10443,
                                certificate,
                                TLS_NAME,
                                token,
                                null,
                                null))) {
            client.resource(checkpoint).create();

            Checkpoint done = await().atMost(Duration.ofMinutes(3))
                    .until(
                            () -> client.resources(Checkpoint.class)
                                    .withName("taken-1")
                                    .get(),
                            c -> c.getStatus() != null
                                    && c.getStatus().phase != null
                                    && c.getStatus().phase.terminal());

            assertThat(done.getStatus().phase)
                    .as("%s", done.getStatus().conditions)
                    .isEqualTo(CheckpointPhase.Succeeded);
            assertThat(done.getStatus().nodeName).isEqualTo(LocalCluster.NODE_B);
            assertThat(done.getStatus().containers).singleElement().satisfies(c -> {
                assertThat(c.name).isEqualTo("main");
                Path archive = checkpoints(LocalCluster.NODE_B)
                        .resolve(Path.of(c.archivePath).getFileName());
                // The kubelet's own path: on this machine each node's kubelet has its root under NODES.
                assertThat(Path.of(c.archivePath)).isEqualTo(archive);
                assertThat(archive.getFileName().toString())
                        .startsWith("checkpoint-taken_" + namespace.name() + "-main-");
                assertThat(archive).exists();
                assertThat(c.archiveSize).isEqualTo(Files.size(archive));
                assertThat(c.dumpStatistics).isNotNull();
                assertThat(c.dumpStatistics.pagesWritten).isPositive();
            });
            assertThat(done.getStatus().conditions.getFirst().getStatus()).isEqualTo("True");
            assertThat(client.pods().withName("taken").get().getStatus().getPhase())
                    .as("a kubelet checkpoint leaves the pod running")
                    .isEqualTo("Running");

            // Exported: the agent pushes from its pod to the registry's pod-side address, and the image is
            // recorded by digest, which the registry serves.
            Checkpoint exported = new Checkpoint();
            exported.setMetadata(new ObjectMetaBuilder()
                    .withName("taken-2")
                    .withNamespace(namespace.name())
                    .build());
            exported.setSpec(new CheckpointSpec());
            exported.getSpec().podName = "taken";
            exported.getSpec().export = new CheckpointExport();
            exported.getSpec().export.image = cluster.podRegistry() + "/ckpt/" + namespace.name();
            client.resource(exported).create();
            Checkpoint pushed = await().atMost(Duration.ofMinutes(3))
                    .until(
                            () -> client.resources(Checkpoint.class)
                                    .withName("taken-2")
                                    .get(),
                            c -> c.getStatus() != null
                                    && c.getStatus().phase != null
                                    && c.getStatus().phase.terminal());
            assertThat(pushed.getStatus().phase)
                    .as("%s", pushed.getStatus().conditions)
                    .isEqualTo(CheckpointPhase.Succeeded);
            String image = pushed.getStatus().containers.getFirst().image;
            assertThat(image).startsWith(cluster.podRegistry() + "/ckpt/" + namespace.name() + "@sha256:");
            String digest = image.substring(image.indexOf('@') + 1);
            HttpResponse<String> manifest = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://" + LocalCluster.REGISTRY + "/v2/ckpt/"
                                            + namespace.name() + "/manifests/" + digest))
                                    .header("Accept", "application/vnd.oci.image.manifest.v1+json")
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(manifest.statusCode()).as(manifest.body()).isEqualTo(200);
            assertThat(manifest.body()).contains("org.criu.checkpoint.container.name");
        } finally {
            try (var files = Files.list(checkpoints(LocalCluster.NODE_B))) {
                for (Path p : files.filter(f -> f.getFileName().toString().contains("_" + namespace.name() + "-"))
                        .toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /**
     * The shipped DaemonSet, changed only as the class comment says: image, API server, policy, and
     * host paths that name each node's own directories on this one machine.
     */
    private static DaemonSet forThisCluster(DaemonSet ds, String image, KubernetesClient client) {
        PodSpec pod = ds.getSpec().getTemplate().getSpec();
        Container agent = pod.getContainers().getFirst();
        agent.setImage(image);
        ShippedManifests.useApiServerInsteadOfItsService(agent, client);
        List<String> args = new ArrayList<>(agent.getArgs());
        int policy = args.indexOf("--policy");
        assertThat(policy).as("--policy in the DaemonSet's args").isNotNegative();
        args.set(policy + 1, policyName);
        // The local cluster's kubelets serve self-signed certificates, as kubeadm's do without serverTLSBootstrap.
        args.add("--kubelet-insecure-tls");
        agent.setArgs(args);
        hostPathPerNode(pod, agent, "checkpoints", NODES, "$(NODE_NAME)/kubelet/checkpoints");
        hostPathPerNode(pod, agent, "state", stateRoot, "$(NODE_NAME)");
        hostPathPerNode(pod, agent, "runtime", Path.of("/run/amber-cluster"), "$(NODE_NAME)/containerd");
        return ds;
    }

    private static void hostPathPerNode(
            PodSpec pod, Container container, String volumeName, Path root, String subPathExpr) {
        Volume volume = pod.getVolumes().stream()
                .filter(v -> volumeName.equals(v.getName()))
                .findFirst()
                .orElseThrow();
        assertThat(volume.getHostPath())
                .as("volume " + volumeName + " is a hostPath")
                .isNotNull();
        volume.getHostPath().setPath(root.toString());
        volume.getHostPath().setType("Directory");
        VolumeMount mount = container.getVolumeMounts().stream()
                .filter(m -> volumeName.equals(m.getName()))
                .findFirst()
                .orElseThrow();
        mount.setSubPathExpr(subPathExpr);
    }

    private static Path checkpoints(String node) {
        return NODES.resolve(node).resolve("kubelet/checkpoints");
    }

    /** The secret the DaemonSet mounts, with a fresh self-signed certificate for {@link #TLS_NAME}. */
    private static io.fabric8.kubernetes.api.model.Secret tlsSecret(TestNamespace namespace) throws Exception {
        Path dir = Files.createTempDirectory("amber-agent-tls-");
        ShippedManifests.run(
                dir,
                Duration.ofSeconds(60),
                Map.of(),
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-keyout",
                "tls.key",
                "-out",
                "tls.crt",
                "-days",
                "1",
                "-subj",
                "/CN=" + TLS_NAME,
                "-addext",
                "subjectAltName=DNS:" + TLS_NAME);
        certificate = dir.resolve("tls.crt");
        Base64.Encoder base64 = Base64.getEncoder();
        return new SecretBuilder()
                .withNewMetadata()
                .withName("amber-agent-tls")
                .withNamespace(namespace.name())
                .endMetadata()
                .withType("kubernetes.io/tls")
                .addToData("tls.crt", base64.encodeToString(Files.readAllBytes(certificate)))
                .addToData("tls.key", base64.encodeToString(Files.readAllBytes(dir.resolve("tls.key"))))
                .build();
    }

    /** A token of a new ServiceAccount, bound in the test namespace to the shipped ClusterRole named (null: none). */
    private static String tokenFor(
            KubernetesClient client, TestNamespace namespace, String account, String shippedRole) {
        client.serviceAccounts()
                .resource(new ServiceAccountBuilder()
                        .withNewMetadata()
                        .withName(account)
                        .endMetadata()
                        .build())
                .create();
        if (shippedRole != null) {
            client.rbac()
                    .roleBindings()
                    .resource(new RoleBindingBuilder()
                            .withNewMetadata()
                            .withName(account)
                            .endMetadata()
                            .withNewRoleRef(
                                    "rbac.authorization.k8s.io", "ClusterRole", namespace.name() + "-" + shippedRole)
                            .addNewSubject()
                            .withKind("ServiceAccount")
                            .withName(account)
                            .withNamespace(namespace.name())
                            .endSubject()
                            .build())
                    .create();
        }
        return client.serviceAccounts()
                .withName(account)
                .tokenRequest(new TokenRequestBuilder()
                        .withNewSpec()
                        // The agents accept tokens bound to their audience only.
                        .withAudiences("amber-agent")
                        .withExpirationSeconds(600L)
                        .endSpec()
                        .build())
                .getStatus()
                .getToken();
    }

    private static Map<String, Pod> agentsByNode(KubernetesClient client) {
        Map<String, Pod> byNode = new TreeMap<>();
        client.pods().withLabels(daemonSet.getSpec().getSelector().getMatchLabels()).list().getItems().stream()
                .filter(pod -> pod.getMetadata().getDeletionTimestamp() == null)
                .forEach(pod -> byNode.put(pod.getSpec().getNodeName(), pod));
        return byNode;
    }

    private record Answer(int status, String body) {}

    /**
     * GET on the agent's pod IP (both nodes' pod bridges are on this machine), over TLS verified
     * against the test's certificate: curl, because the certificate names {@link #TLS_NAME} and not
     * the pod IP, and curl can resolve that name to the IP for one call.
     */
    private static Answer get(Pod agent, String path, String token) throws Exception {
        String port = "10443";
        List<String> command = new ArrayList<>(List.of(
                "curl",
                "-sS",
                "--max-time",
                "10",
                "--cacert",
                certificate.toString(),
                "--resolve",
                TLS_NAME + ":" + port + ":" + agent.getStatus().getPodIP(),
                "-w",
                "\n%{http_code}"));
        if (token != null) {
            command.addAll(List.of("-H", "Authorization: Bearer " + token));
        }
        command.add("https://" + TLS_NAME + ":" + port + path);
        String out =
                ShippedManifests.run(Path.of("/"), Duration.ofSeconds(30), Map.of(), command.toArray(String[]::new));
        int cut = out.lastIndexOf('\n');
        return new Answer(Integer.parseInt(out.substring(cut + 1).strip()), out.substring(0, cut));
    }
}
