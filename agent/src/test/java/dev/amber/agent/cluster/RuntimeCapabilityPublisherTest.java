package dev.amber.agent.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.amber.api.v1alpha1.RuntimeCapability;
import dev.amber.cri.RuntimeCapabilities;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the publisher writes on its Node, against fabric8's mock API server in CRUD mode (real HTTP, JSON merge
 * patches stored as sent): what is under test is when it patches and what. The real publishing, by the agents of
 * the local cluster, is checked by InstalledAmberTest.
 */
@EnableKubernetesMockClient(crud = true)
class RuntimeCapabilityPublisherTest {
    private static final Instant NOW = Instant.parse("2026-12-08T01:00:00Z");
    private static final RuntimeCapability RESTORES =
            RuntimeCapabilities.containerd("v2.3.7", "{\"enableExperimentalRestoreViaCreate\":true}", NOW);

    KubernetesClient client;

    private final Deque<RuntimeCapability> answers = new ArrayDeque<>();

    @BeforeEach
    void node() {
        client.nodes()
                .resource(new NodeBuilder()
                        .withNewMetadata()
                        .withName("node-a")
                        .endMetadata()
                        .build())
                .create();
    }

    @Test
    void oneMissedAnswerDoesNotMarkTheNodeUnableButThreeInARowDo() {
        RuntimeCapability unanswered = RuntimeCapabilities.unknown(null, null, "containerd is restarting", NOW);
        RuntimeCapabilityPublisher publisher = new RuntimeCapabilityPublisher(client, "node-a", answers::poll);

        answers.add(RESTORES);
        publisher.publish();
        assertThat(label()).isEqualTo("CreateContainer");
        assertThat(annotation()).contains("\"runtimeVersion\":\"v2.3.7\"");

        for (int i = 1; i < RuntimeCapabilityPublisher.UNANSWERED_BEFORE_REPORTED; i++) {
            answers.add(unanswered);
            publisher.publish();
            assertThat(label()).as("after %s missed answer(s)", i).isEqualTo("CreateContainer");
        }
        answers.add(unanswered);
        publisher.publish();
        assertThat(label()).isEqualTo("None");
        assertThat(annotation()).contains("containerd is restarting");

        answers.add(RESTORES);
        publisher.publish();
        assertThat(label()).isEqualTo("CreateContainer");
    }

    @Test
    void aLabelChangedByHandIsPutRight() {
        RuntimeCapabilityPublisher publisher = new RuntimeCapabilityPublisher(client, "node-a", () -> RESTORES);
        publisher.publish();
        client.nodes()
                .withName("node-a")
                .edit(n -> new NodeBuilder(n)
                        .editMetadata()
                        .addToLabels(RuntimeCapability.RESTORE_LABEL, "None")
                        .endMetadata()
                        .build());

        publisher.publish();

        assertThat(label()).isEqualTo("CreateContainer");
    }

    private String label() {
        return client.nodes().withName("node-a").get().getMetadata().getLabels().get(RuntimeCapability.RESTORE_LABEL);
    }

    private String annotation() {
        return client.nodes()
                .withName("node-a")
                .get()
                .getMetadata()
                .getAnnotations()
                .get(RuntimeCapability.ANNOTATION);
    }
}
