package dev.amber.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.amber.api.v1alpha1.Checkpoint;
import dev.amber.api.v1alpha1.CheckpointPhase;
import dev.amber.api.v1alpha1.CheckpointSpec;
import dev.amber.testkit.cluster.AgentFixtures;
import dev.amber.testkit.cluster.CustomResourceDefinitions;
import dev.amber.testkit.cluster.LocalCluster;
import dev.amber.testkit.cluster.LocalClusterExtension;
import dev.amber.testkit.cluster.TestNamespace;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The operator, run in this JVM, against the local cluster's real API server: Checkpoints that must fail
 * fail at once with a condition and an Event saying why, the pod they name is left alone, and the API
 * server itself holds a Checkpoint's spec immutable. The agents are looked for in this test's own
 * namespace, where none runs, so that the node-without-agent path is real too.
 */
@Tag("cluster")
@ExtendWith(LocalClusterExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OperatorOnClusterTest {
    private static final Duration WITHIN = Duration.ofSeconds(30);

    private AmberOperator operator;
    private KubernetesClient operatorClient;

    @BeforeAll
    void startTheOperator(KubernetesClient client, TestNamespace namespace) throws Exception {
        CustomResourceDefinitions.install(client, "checkpoints.amber.dev-v1.yml");
        // The operator watches Restores too: its informer needs their CRD.
        CustomResourceDefinitions.install(client, "restores.amber.dev-v1.yml");
        // JOSDK closes the client it is given when it stops: it gets one of its own.
        operatorClient = new KubernetesClientBuilder()
                .withConfig(client.getConfiguration())
                .build();
        operator = AmberOperator.start(
                operatorClient,
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
    void aCheckpointOfAMissingPodFailsWithAConditionAndAnEvent(KubernetesClient client, TestNamespace namespace) {
        client.resource(checkpoint(namespace, "of-nothing", "no-such-pod")).create();

        Checkpoint failed = awaitFinished(client, namespace, "of-nothing");

        assertThat(failed.getStatus().phase).isEqualTo(CheckpointPhase.Failed);
        Condition ready = failed.getStatus().conditions.getFirst();
        assertThat(ready.getType()).isEqualTo("Ready");
        assertThat(ready.getStatus()).isEqualTo("False");
        assertThat(ready.getReason()).isEqualTo("PodNotFound");
        assertThat(ready.getMessage()).isEqualTo("no pod no-such-pod in namespace " + namespace.name());
        assertThat(failed.getStatus().observedGeneration).isEqualTo(1L);
        await().atMost(WITHIN)
                .untilAsserted(() -> assertThat(events(client, namespace, "of-nothing"))
                        .anySatisfy(e -> {
                            assertThat(e.getType()).isEqualTo("Warning");
                            assertThat(e.getReason()).isEqualTo("PodNotFound");
                        }));
    }

    @Test
    void aCheckpointOnANodeWithoutAnAgentFailsAndLeavesThePodRunning(KubernetesClient client, TestNamespace namespace) {
        client.resource(AgentFixtures.sleeper(namespace, "lonely", LocalCluster.NODE_A))
                .create();
        await().atMost(Duration.ofSeconds(60))
                .until(() -> "Running"
                        .equals(pod(client, namespace, "lonely").getStatus().getPhase()));
        client.resource(checkpoint(namespace, "of-lonely", "lonely")).create();

        Checkpoint failed = awaitFinished(client, namespace, "of-lonely");

        assertThat(failed.getStatus().phase).isEqualTo(CheckpointPhase.Failed);
        assertThat(failed.getStatus().conditions.getFirst().getReason()).isEqualTo("NoAgentOnNode");
        assertThat(failed.getStatus().conditions.getFirst().getMessage())
                .contains("no amber agent on node " + LocalCluster.NODE_A);
        Pod after = pod(client, namespace, "lonely");
        assertThat(after.getStatus().getPhase()).isEqualTo("Running");
        assertThat(after.getStatus().getContainerStatuses().getFirst().getRestartCount())
                .isZero();
    }

    @Test
    void theApiServerKeepsACheckpointsSpecAsItWasAccepted(KubernetesClient client, TestNamespace namespace) {
        client.resource(checkpoint(namespace, "fixed", "no-such-pod")).create();

        // A merge patch carries no resourceVersion: the operator's own status write in between cannot make it a
        // conflict, so what answers is the CRD's rule.
        assertThatThrownBy(() -> client.resources(Checkpoint.class)
                        .inNamespace(namespace.name())
                        .withName("fixed")
                        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"podName\":\"another\"}}"))
                .isInstanceOf(KubernetesClientException.class)
                .hasMessageContaining("spec is immutable: create a new Checkpoint to try again");
    }

    private static Checkpoint awaitFinished(KubernetesClient client, TestNamespace namespace, String name) {
        return await().atMost(WITHIN)
                .until(
                        () -> client.resources(Checkpoint.class)
                                .inNamespace(namespace.name())
                                .withName(name)
                                .get(),
                        c -> c != null
                                && c.getStatus() != null
                                && c.getStatus().phase != null
                                && c.getStatus().phase.terminal());
    }

    private static Checkpoint checkpoint(TestNamespace namespace, String name, String pod) {
        Checkpoint checkpoint = new Checkpoint();
        checkpoint.setMetadata(new ObjectMetaBuilder()
                .withName(name)
                .withNamespace(namespace.name())
                .build());
        checkpoint.setSpec(new CheckpointSpec());
        checkpoint.getSpec().podName = pod;
        return checkpoint;
    }

    private static Pod pod(KubernetesClient client, TestNamespace namespace, String name) {
        return client.pods().inNamespace(namespace.name()).withName(name).get();
    }

    private static List<Event> events(KubernetesClient client, TestNamespace namespace, String name) {
        return client.v1().events().inNamespace(namespace.name()).list().getItems().stream()
                .filter(e -> name.equals(e.getInvolvedObject().getName()))
                .toList();
    }
}
