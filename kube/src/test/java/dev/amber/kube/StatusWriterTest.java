package dev.amber.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.amber.api.v1alpha1.CheckpointPolicy;
import dev.amber.api.v1alpha1.CheckpointPolicyStatus;
import dev.amber.api.v1alpha1.NodeRetentionStatus;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What the writer does with each answer of the API server, against fabric8's mock server (real HTTP,
 * canned answers): a real API server cannot be made to answer 409 or 500 on demand, and whether the
 * writer reads again after a conflict is exactly what is under test. The real server runs the writer
 * in the agent's cluster tests.
 */
@EnableKubernetesMockClient
class StatusWriterTest {
    private static final String STATUS = "/apis/amber.dev/v1alpha1/checkpointpolicies/keep/status";
    private static final String RESOURCE = "/apis/amber.dev/v1alpha1/checkpointpolicies/keep";

    KubernetesMockServer server;
    KubernetesClient client;

    @Test
    void aConflictAppliesTheChangeAgainToWhatIsThereNow() throws Exception {
        server.expect().get().withPath(RESOURCE).andReturn(200, policy("1")).once();
        server.expect().put().withPath(STATUS).andReturn(409, conflict()).once();
        server.expect().get().withPath(RESOURCE).andReturn(200, policy("2")).once();
        server.expect().put().withPath(STATUS).andReturn(200, policy("3")).once();
        AtomicInteger applied = new AtomicInteger();

        StatusWriter.Outcome outcome = new StatusWriter(client).write(CheckpointPolicy.class, null, "keep", p -> {
            applied.incrementAndGet();
            p.getStatus().nodes.add(new NodeRetentionStatus());
        });

        assertThat(outcome).isEqualTo(StatusWriter.Outcome.WRITTEN);
        assertThat(applied).hasValue(2);
        server.takeRequest(); // first read
        server.takeRequest(); // the conflicting write
        server.takeRequest(); // second read
        CheckpointPolicy written =
                Serialization.unmarshal(server.takeRequest().getBody().readUtf8(), CheckpointPolicy.class);
        assertThat(written.getMetadata().getResourceVersion())
                .as("guarded by what the second read returned")
                .isEqualTo("2");
        assertThat(written.getStatus().nodes)
                .as("the change applied once, to the fresh copy")
                .hasSize(1);
    }

    @Test
    void anyOtherFailureIsThrownForTheCallerToKeepAndRetry() {
        server.expect().get().withPath(RESOURCE).andReturn(200, policy("1")).once();
        // 403, not a 5xx: fabric8's client retries a 5xx itself before the writer sees it.
        server.expect().put().withPath(STATUS).andReturn(403, "forbidden").once();

        assertThatThrownBy(() -> new StatusWriter(client).write(CheckpointPolicy.class, null, "keep", p -> {}))
                .isInstanceOf(KubernetesClientException.class)
                .satisfies(e ->
                        assertThat(((KubernetesClientException) e).getCode()).isEqualTo(403));
    }

    @Test
    void aDeletedResourceIsGoneNotAnError() {
        server.expect().get().withPath(RESOURCE).andReturn(404, "").once();

        assertThat(new StatusWriter(client).write(CheckpointPolicy.class, null, "keep", p -> {}))
                .isEqualTo(StatusWriter.Outcome.RESOURCE_GONE);
    }

    @Test
    void conflictsWithoutEndGiveUpAfterABound() {
        server.expect().get().withPath(RESOURCE).andReturn(200, policy("1")).always();
        server.expect().put().withPath(STATUS).andReturn(409, conflict()).always();

        assertThatThrownBy(() -> new StatusWriter(client).write(CheckpointPolicy.class, null, "keep", p -> {}))
                .isInstanceOf(KubernetesClientException.class)
                .satisfies(e ->
                        assertThat(((KubernetesClientException) e).getCode()).isEqualTo(409));
        assertThat(server.getRequestCount()).isEqualTo(2 * StatusWriter.MAX_CONFLICTS);
    }

    private static CheckpointPolicy policy(String resourceVersion) {
        CheckpointPolicy policy = new CheckpointPolicy();
        policy.setMetadata(new ObjectMetaBuilder()
                .withName("keep")
                .withResourceVersion(resourceVersion)
                .withGeneration(1L)
                .build());
        policy.setStatus(new CheckpointPolicyStatus());
        return policy;
    }

    private static String conflict() {
        return "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"Conflict\",\"code\":409,"
                + "\"message\":\"the object has been modified\"}";
    }
}
