package dev.amber.e2e.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.amber.api.v1alpha1.Checkpoint;
import dev.amber.api.v1alpha1.CheckpointPhase;
import dev.amber.operator.AmberOperator;
import dev.amber.operator.OperatorSettings;
import dev.amber.testkit.cluster.AgentFixtures;
import dev.amber.testkit.cluster.CustomResourceDefinitions;
import dev.amber.testkit.cluster.LocalCluster;
import dev.amber.testkit.cluster.LocalClusterExtension;
import dev.amber.testkit.cluster.TestNamespace;
import dev.amber.testkit.process.ExternalCommand;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code kubectl amber checkpoint} as a user types it: kubectl finds the {@code kubectl-amber} link of
 * this checkout on PATH and runs it (the built jar, {@code AMBER_SKIP_BUILD} keeping the launcher from
 * Maven), with the cluster's kubeconfig. The operator runs in this JVM, looking for agents in this
 * test's namespace, where none runs: the flows that end before any agent is needed are real end to end.
 * Where kubectl itself is missing, the plugin is run as kubectl would run it.
 */
@Tag("cluster")
@ExtendWith(LocalClusterExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KubectlAmberCheckpointTest {
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(90);

    private AmberOperator operator;
    private Path repository;
    private String kubeconfig;

    @BeforeAll
    void startTheOperator(LocalCluster cluster, KubernetesClient client, TestNamespace namespace) throws Exception {
        repository = cluster.repository();
        kubeconfig = cluster.kubeconfig().toString();
        CustomResourceDefinitions.install(client, "checkpoints.amber.dev-v1.yml");
        // The operator watches Restores too: its informer needs their CRD.
        CustomResourceDefinitions.install(client, "restores.amber.dev-v1.yml");
        KubernetesClient own = new KubernetesClientBuilder()
                .withConfig(client.getConfiguration())
                .build();
        operator = AmberOperator.start(
                own,
                new AmberOperator.Settings(
                        new OperatorSettings(null, Set.of(), 60),
                        namespace.name(),
                        "app.kubernetes.io/name=amber-agent",
                        8443,
                        null,
                        "amber-agent",
                        null,
                        null,
                        null));
    }

    @AfterAll
    void stopTheOperator() {
        if (operator != null) {
            operator.close();
        }
    }

    @Test
    void aMissingPodIsOneLineAndExitOneBeforeAnythingIsCreated(KubernetesClient client, TestNamespace namespace)
            throws Exception {
        ExternalCommand.Result result = kubectlAmber("checkpoint", "no-such-pod", "-n", namespace.name(), "--wait");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.stderr().strip().lines())
                .containsExactly("amber checkpoint: no pod no-such-pod in namespace " + namespace.name());
        assertThat(client.resources(Checkpoint.class)
                        .inNamespace(namespace.name())
                        .list()
                        .getItems())
                .as("no Checkpoint of the missing pod")
                .noneMatch(c -> "no-such-pod".equals(c.getSpec().podName));
    }

    @Test
    void aCheckpointThatFailsIsFollowedToItsEndAndExitsOneWithTheReason(
            KubernetesClient client, TestNamespace namespace) throws Exception {
        client.resource(AgentFixtures.sleeper(namespace, "app", LocalCluster.NODE_B))
                .create();
        client.pods()
                .inNamespace(namespace.name())
                .withName("app")
                .waitUntilCondition(
                        p -> p != null && "Running".equals(p.getStatus().getPhase()), 60, TimeUnit.SECONDS);

        ExternalCommand.Result result = kubectlAmber(
                "checkpoint", "app", "-n", namespace.name(), "--name", "first", "--wait", "--timeout", "60s");

        assertThat(result.exitCode()).as(result.stderr()).isEqualTo(1);
        assertThat(result.stderr()).contains(namespace.name() + "/first: Failed");
        assertThat(result.stderr().strip().lines().toList().getLast())
                .startsWith("amber checkpoint: " + namespace.name()
                        + "/first failed: NoAgentOnNode: no amber agent on node " + LocalCluster.NODE_B);
        Checkpoint recorded = client.resources(Checkpoint.class)
                .inNamespace(namespace.name())
                .withName("first")
                .get();
        assertThat(recorded.getStatus().phase).isEqualTo(CheckpointPhase.Failed);
        assertThat(recorded.getSpec().podName).isEqualTo("app");
    }

    @Test
    void withoutWaitItCreatesTheCheckpointAndSaysHowToFollowIt(KubernetesClient client, TestNamespace namespace)
            throws Exception {
        client.resource(AgentFixtures.sleeper(namespace, "quick", LocalCluster.NODE_A))
                .create();

        ExternalCommand.Result result =
                kubectlAmber("checkpoint", "quick", "-n", namespace.name(), "-c", "main", "--format", "json");

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdout()).contains("\"checkpoint\" : \"" + namespace.name() + "/quick-");
        List<Checkpoint> created =
                client.resources(Checkpoint.class).inNamespace(namespace.name()).list().getItems().stream()
                        .filter(c -> "quick".equals(c.getSpec().podName))
                        .toList();
        assertThat(created)
                .singleElement()
                .satisfies(c -> assertThat(c.getSpec().containers).containsExactly("main"));
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
        String path = repository + ":" + System.getenv("PATH");
        return ExternalCommand.run(
                command,
                repository,
                Map.of("PATH", path, "KUBECONFIG", kubeconfig, "AMBER_SKIP_BUILD", "1"),
                COMMAND_TIMEOUT);
    }
}
