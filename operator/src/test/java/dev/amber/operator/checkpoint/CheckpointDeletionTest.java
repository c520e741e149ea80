package dev.amber.operator.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.amber.api.v1alpha1.Checkpoint;
import dev.amber.api.v1alpha1.CheckpointExport;
import dev.amber.api.v1alpha1.CheckpointPhase;
import dev.amber.api.v1alpha1.CheckpointSpec;
import dev.amber.api.v1alpha1.DeletionPolicy;
import dev.amber.operator.OperatorSettings;
import dev.amber.operator.SettableClock;
import dev.amber.operator.cluster.Registries;
import dev.amber.operator.status.CheckpointStatusRecorder;
import dev.amber.operator.status.OperatorMetrics;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.io.IOException;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * deletionPolicy on the in-memory seams: Delete holds the Checkpoint with a finalizer until its archives (through
 * the node's agent) and its images (in the registry) are deleted; Retain never holds it. Each reconcile is called
 * as JOSDK calls it with every event delivered, deletions included.
 */
class CheckpointDeletionTest {
    private static final String IMAGE = "registry.local:5000/checkpoints@sha256:" + "c".repeat(64);
    private static final String ARCHIVE = "uid-ckpt-1-app.tar";

    private final FakeCluster cluster = new FakeCluster();
    private final SettableClock clock = new SettableClock(Instant.parse("2026-12-04T10:00:00Z"));
    private final CheckpointReconciler reconciler = new CheckpointReconciler(
            cluster,
            cluster,
            cluster,
            new CheckpointStatusRecorder(cluster, new OperatorMetrics(), clock),
            new OperatorSettings("registry.local:5000/checkpoints", Set.of("registry.local:5000"), 120),
            clock);

    @Test
    void deleteHoldsTheCheckpointUntilItsArchiveAndImageAreGone() {
        Checkpoint checkpoint = succeeded(DeletionPolicy.Delete);
        assertThat(checkpoint.getMetadata().getFinalizers()).containsExactly(CheckpointReconciler.FINALIZER);
        assertThat(checkpoint.getMetadata().getResourceVersion())
                .as("the status is written with the resourceVersion the finalizer's patch returned")
                .isEqualTo("1");

        UpdateControl<Checkpoint> control = reconciler.reconcile(deleted(checkpoint), null);

        assertThat(control.isNoUpdate()).isTrue();
        assertThat(cluster.agentOn("node-a").archives).doesNotContain(ARCHIVE);
        assertThat(cluster.images).doesNotContain(IMAGE);
        assertThat(checkpoint.getMetadata().getFinalizers()).isEmpty();
        assertThat(cluster.events)
                .contains("Normal Deleted: deleted archive " + ARCHIVE + " on node node-a, image " + IMAGE);
    }

    @Test
    void retainNeverHoldsTheCheckpointAndDeletesNothing() {
        Checkpoint checkpoint = succeeded(DeletionPolicy.Retain);
        assertThat(checkpoint.getMetadata().getFinalizers()).isEmpty();

        reconciler.reconcile(deleted(checkpoint), null);

        assertThat(cluster.agentOn("node-a").archives).contains(ARCHIVE);
        assertThat(cluster.images).contains(IMAGE);
    }

    @Test
    void anAgentThatCannotBeReachedIsTriedAgainAndTheFinalizerStays() {
        Checkpoint checkpoint = succeeded(DeletionPolicy.Delete);
        FakeCluster.FakeAgent agent = cluster.agentOn("node-a");
        cluster.notReady.add("node-a");
        cluster.addNode("node-a", null);

        UpdateControl<Checkpoint> control = reconciler.reconcile(deleted(checkpoint), null);

        assertThat(control.getScheduleDelay()).contains(CheckpointReconciler.WAIT.toMillis());
        assertThat(checkpoint.getMetadata().getFinalizers()).containsExactly(CheckpointReconciler.FINALIZER);
        assertThat(checkpoint.getStatus().conditions.getFirst().getReason()).isEqualTo("AgentUnavailable");
        assertThat(checkpoint.getStatus().conditions.getFirst().getMessage())
                .contains("removing the finalizer amber.dev/delete-artifacts lets the Checkpoint go");
        assertThat(cluster.images).as("nothing is deleted out of order").contains(IMAGE);

        cluster.notReady.remove("node-a");
        reconciler.reconcile(checkpoint, null);

        assertThat(agent.archives).doesNotContain(ARCHIVE);
        assertThat(checkpoint.getMetadata().getFinalizers()).isEmpty();
    }

    @Test
    void aPinnedArchiveAndARegistryThatRefusesAreLeftWithAWarningAndTheCheckpointGoes() {
        Checkpoint checkpoint = succeeded(DeletionPolicy.Delete);
        cluster.agentOn("node-a").pinned.add(ARCHIVE);
        cluster.registryFailure = new IOException("registry.local:5000 refused the deletion: 405 UNSUPPORTED");

        reconciler.reconcile(deleted(checkpoint), null);

        assertThat(cluster.agentOn("node-a").archives).contains(ARCHIVE);
        assertThat(checkpoint.getMetadata().getFinalizers()).isEmpty();
        assertThat(cluster.events)
                .anySatisfy(e -> assertThat(e)
                        .startsWith("Warning Kept: left in place: archive " + ARCHIVE)
                        .contains("is pinned by " + ARCHIVE + ".keep")
                        .contains("405 UNSUPPORTED"));
    }

    @Test
    void aRegistryThatCannotBeReachedIsTriedAgain() {
        Checkpoint checkpoint = succeeded(DeletionPolicy.Delete);
        cluster.registryFailure = new Registries.RegistryUnreachable("connection refused", null);

        UpdateControl<Checkpoint> control = reconciler.reconcile(deleted(checkpoint), null);

        assertThat(control.getScheduleDelay()).isPresent();
        assertThat(checkpoint.getMetadata().getFinalizers()).containsExactly(CheckpointReconciler.FINALIZER);
        assertThat(checkpoint.getStatus().conditions.getFirst().getReason()).isEqualTo("RegistryUnavailable");
    }

    @Test
    void aCheckpointDeletedWhileADumpRunsWaitsForItThenDeletesItsArchive() {
        cluster.pods.put("shop/web", FakeCluster.runningPod("shop", "web", "node-a", "app", "sidecar"));
        FakeCluster.FakeAgent agent = cluster.agentOn("node-a");
        Checkpoint checkpoint = checkpoint(DeletionPolicy.Delete);
        reconciler.reconcile(checkpoint, null);
        deleted(checkpoint);

        UpdateControl<Checkpoint> waiting = reconciler.reconcile(checkpoint, null);

        assertThat(waiting.getScheduleDelay()).contains(CheckpointReconciler.POLL.toMillis());
        assertThat(checkpoint.getMetadata().getFinalizers()).containsExactly(CheckpointReconciler.FINALIZER);

        agent.finish("uid-ckpt-1-app", "2026-12-04T10:00:01Z", null);
        reconciler.reconcile(checkpoint, null);

        assertThat(checkpoint.getStatus().phase).isEqualTo(CheckpointPhase.Failed);
        assertThat(checkpoint.getStatus().conditions.getFirst().getReason()).isEqualTo("Deleted");
        assertThat(agent.started).as("the sidecar is not started once deleted").hasSize(1);
        assertThat(agent.archives).doesNotContain(ARCHIVE);
        assertThat(checkpoint.getMetadata().getFinalizers()).isEmpty();
    }

    /** A Checkpoint of one exported container, Succeeded through the reconciler, its archive and image in place. */
    private Checkpoint succeeded(DeletionPolicy policy) {
        cluster.pods.put("shop/web", FakeCluster.runningPod("shop", "web", "node-a", "app"));
        FakeCluster.FakeAgent agent = cluster.agentOn("node-a");
        Checkpoint checkpoint = checkpoint(policy);
        checkpoint.getSpec().export = new CheckpointExport();
        reconciler.reconcile(checkpoint, null);
        agent.finish("uid-ckpt-1-app", "2026-12-04T10:00:00Z", IMAGE);
        cluster.images.add(IMAGE);
        reconciler.reconcile(checkpoint, null);
        assertThat(checkpoint.getStatus().phase).isEqualTo(CheckpointPhase.Succeeded);
        return checkpoint;
    }

    private static Checkpoint checkpoint(DeletionPolicy policy) {
        Checkpoint checkpoint = new Checkpoint();
        checkpoint.setMetadata(new ObjectMetaBuilder()
                .withNamespace("shop")
                .withName("ckpt-1")
                .withUid("uid-ckpt-1")
                .withGeneration(1L)
                .build());
        checkpoint.setSpec(new CheckpointSpec());
        checkpoint.getSpec().podName = "web";
        checkpoint.getSpec().deletionPolicy = policy;
        return checkpoint;
    }

    /** As the API server marks a resource being deleted. */
    private static Checkpoint deleted(Checkpoint checkpoint) {
        checkpoint.getMetadata().setDeletionTimestamp("2026-12-04T10:05:00Z");
        return checkpoint;
    }
}
