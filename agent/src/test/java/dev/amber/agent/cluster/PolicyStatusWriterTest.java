package dev.amber.agent.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.amber.agent.node.NodeReport;
import dev.amber.api.v1alpha1.CheckpointPolicy;
import dev.amber.api.v1alpha1.CheckpointPolicyStatus;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A report whose write fails is written by a later flush, against fabric8's mock server: the failure
 * must come on demand, which a real API server does not do. The real server takes this writer's
 * writes in AgentOnClusterTest.
 */
@EnableKubernetesMockClient
class PolicyStatusWriterTest {
    private static final String RESOURCE = "/apis/amber.dev/v1alpha1/checkpointpolicies/keep";

    KubernetesMockServer server;
    KubernetesClient client;

    @Test
    void aReportWhoseWriteFailedIsWrittenByTheNextFlush() throws Exception {
        server.expect().get().withPath(RESOURCE).andReturn(200, policy()).always();
        server.expect()
                .put()
                .withPath(RESOURCE + "/status")
                .andReturn(403, "forbidden for a moment")
                .once();
        server.expect()
                .put()
                .withPath(RESOURCE + "/status")
                .andReturn(200, policy())
                .once();
        // An hour: only the test's own flushes write.
        try (PolicyStatusWriter writer =
                new PolicyStatusWriter(client, "keep", "node-a", Duration.ofHours(1), Clock.systemUTC())) {
            writer.report(new NodeReport(Instant.parse("2026-12-04T10:00:00Z"), false, 7, 4096, 0, 2, 0, List.of()));
            writer.flush();
            writer.flush();

            server.takeRequest(); // read
            server.takeRequest(); // the refused write
            assertThat(server.takeRequest(10, TimeUnit.SECONDS))
                    .as("the second flush reads again")
                    .isNotNull();
            var second = server.takeRequest(10, TimeUnit.SECONDS);
            assertThat(second).as("a second write").isNotNull();
            CheckpointPolicy written = Serialization.unmarshal(second.getBody().readUtf8(), CheckpointPolicy.class);
            assertThat(written.getStatus().nodes).singleElement().satisfies(node -> {
                assertThat(node.nodeName).isEqualTo("node-a");
                assertThat(node.archives).isEqualTo(7);
                assertThat(node.bytes).isEqualTo(4096);
                assertThat(node.deletedTotal).isEqualTo(2);
                assertThat(node.wouldDeleteTotal).as("only a dry run has one").isNull();
            });
        }
    }

    @Test
    void aDryRunPublishesWhatItWouldDeleteApartFromWhatWasDeleted() throws Exception {
        server.expect().get().withPath(RESOURCE).andReturn(200, policy()).always();
        server.expect()
                .put()
                .withPath(RESOURCE + "/status")
                .andReturn(200, policy())
                .once();
        try (PolicyStatusWriter writer =
                new PolicyStatusWriter(client, "keep", "node-a", Duration.ofHours(1), Clock.systemUTC())) {
            writer.report(new NodeReport(Instant.parse("2026-12-04T10:00:00Z"), true, 7, 4096, 0, 0, 3, List.of()));
            writer.flush();

            server.takeRequest(); // read
            var write = server.takeRequest(10, TimeUnit.SECONDS);
            assertThat(write).as("a write").isNotNull();
            CheckpointPolicy written = Serialization.unmarshal(write.getBody().readUtf8(), CheckpointPolicy.class);
            assertThat(written.getStatus().nodes).singleElement().satisfies(node -> {
                assertThat(node.dryRun).isTrue();
                assertThat(node.deletedTotal).as("a dry run deletes nothing").isZero();
                assertThat(node.wouldDeleteTotal).isEqualTo(3);
            });
        }
    }

    private static CheckpointPolicy policy() {
        CheckpointPolicy policy = new CheckpointPolicy();
        policy.setMetadata(new ObjectMetaBuilder()
                .withName("keep")
                .withResourceVersion("1")
                .withGeneration(1L)
                .build());
        policy.setStatus(new CheckpointPolicyStatus());
        return policy;
    }
}
