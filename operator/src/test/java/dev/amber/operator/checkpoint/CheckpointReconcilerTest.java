package dev.amber.operator.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.amber.api.v1alpha1.Checkpoint;
import dev.amber.api.v1alpha1.CheckpointExport;
import dev.amber.api.v1alpha1.CheckpointPhase;
import dev.amber.api.v1alpha1.CheckpointSpec;
import dev.amber.api.v1alpha1.ConditionTypes;
import dev.amber.api.v1alpha1.RuntimeCapability;
import dev.amber.kube.agent.CheckpointRequest;
import dev.amber.operator.OperatorSettings;
import dev.amber.operator.SettableClock;
import dev.amber.operator.status.CheckpointStatusRecorder;
import dev.amber.operator.status.OperatorMetrics;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ContainerStateWaitingBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The Checkpoint controller's decisions, step by step, on the in-memory seams of {@link FakeCluster}:
 * each reconcile is called as JOSDK would call it, and what it records is checked.
 */
class CheckpointReconcilerTest {
    private static final OperatorSettings SETTINGS =
            new OperatorSettings("registry.local:5000/checkpoints", Set.of("registry.local:5000"), 120);

    private final FakeCluster cluster = new FakeCluster();
    private final OperatorMetrics metrics = new OperatorMetrics();
    private final SettableClock clock = new SettableClock(Instant.parse("2026-12-04T10:00:00Z"));
    private final CheckpointReconciler reconciler = reconciler();

    @Test
    void aMissingPodFailsAtOnceAndSaysWhich() {
        Checkpoint checkpoint = checkpoint("ckpt-1", "nope");

        UpdateControl<Checkpoint> control = reconciler.reconcile(checkpoint, null);

        assertThat(control.isPatchStatus()).isTrue();
        assertFailed(checkpoint, "PodNotFound", "no pod nope in namespace shop");
        assertThat(cluster.events).containsExactly("Warning PodNotFound: no pod nope in namespace shop");
    }

    @Test
    void aContainerThatIsNotRunningFails() {
        Pod pod = FakeCluster.runningPod("shop", "web", "node-a", "app");
        pod.getStatus().getContainerStatuses().getFirst().getState().setRunning(null);
        pod.getStatus()
                .getContainerStatuses()
                .getFirst()
                .getState()
                .setWaiting(new ContainerStateWaitingBuilder()
                        .withReason("CrashLoopBackOff")
                        .build());
        cluster.pods.put("shop/web", pod);
        cluster.agentOn("node-a");
        Checkpoint checkpoint = checkpoint("ckpt-1", "web");

        reconciler.reconcile(checkpoint, null);

        assertFailed(
                checkpoint,
                "ContainerNotRunning",
                "container app of pod shop/web is not running (waiting: CrashLoopBackOff)");
        assertThat(cluster.agentOn("node-a").started).isEmpty();
    }

    @Test
    void aNodeWithoutAnAgentFails() {
        cluster.pods.put("shop/web", FakeCluster.runningPod("shop", "web", "node-a", "app"));
        Checkpoint checkpoint = checkpoint("ckpt-1", "web");

        reconciler.reconcile(checkpoint, null);

        assertFailed(checkpoint, "NoAgentOnNode", "no amber agent on node node-a");
    }

    @Test
    void oneContainerIsCheckpointedThroughItsNodesAgent() {
        cluster.pods.put("shop/web", FakeCluster.runningPod("shop", "web", "node-a", "app"));
        FakeCluster.FakeAgent agent = cluster.agentOn("node-a");
        Checkpoint checkpoint = checkpoint("ckpt-1", "web");

        UpdateControl<Checkpoint> first = reconciler.reconcile(checkpoint, null);

        assertThat(checkpoint.getStatus().phase).isEqualTo(CheckpointPhase.Running);
        assertThat(checkpoint.getStatus().nodeName).isEqualTo("node-a");
        assertThat(checkpoint.getStatus().podTemplate.getMetadata().getLabels()).containsEntry("app", "web");
        assertThat(first.getScheduleDelay()).contains(CheckpointReconciler.POLL.toMillis());
        assertThat(agent.started).singleElement().satisfies(r -> {
            assertThat(r.id()).isEqualTo("uid-ckpt-1-app");
            assertThat(r.namespace()).isEqualTo("shop");
            assertThat(r.pod()).isEqualTo("web");
            assertThat(r.timeoutSeconds()).isEqualTo(120);
            assertThat(r.export()).isNull();
        });

        // Still running: looked at again, not started again.
        reconciler.reconcile(checkpoint, null);
        assertThat(agent.started).hasSize(1);

        agent.finish("uid-ckpt-1-app", "2026-12-04T10:00:00Z", null);
        UpdateControl<Checkpoint> done = reconciler.reconcile(checkpoint, null);

        assertThat(done.getScheduleDelay()).isEmpty();
        assertThat(checkpoint.getStatus().phase).isEqualTo(CheckpointPhase.Succeeded);
        assertThat(checkpoint.getStatus().containers).singleElement().satisfies(c -> {
            assertThat(c.archivePath).isEqualTo("/var/lib/kubelet/checkpoints/uid-ckpt-1-app.tar");
            assertThat(c.archiveSize).isEqualTo(4096L);
            assertThat(c.dumpStatistics.frozenTimeMicros).isEqualTo(1234L);
        });
        assertThat(checkpoint.getStatus().containerSkewSeconds).isNull();
        assertThat(ready(checkpoint).getStatus()).isEqualTo("True");
        assertThat(checkpoint.getStatus().observedGeneration).isEqualTo(1L);
        assertThat(cluster.events)
                .extracting(e -> e.split(":")[0])
                .containsExactly("Normal Running", "Normal Succeeded");

        assertThat(reconciler.reconcile(checkpoint, null).isNoUpdate())
                .as("a finished Checkpoint costs nothing")
                .isTrue();
    }

    @Test
    void aPodLevelCheckpointTakesItsContainersOneAfterAnotherAndMeasuresTheSkew() {
        cluster.pods.put("shop/web", FakeCluster.runningPod("shop", "web", "node-a", "app", "sidecar"));
        FakeCluster.FakeAgent agent = cluster.agentOn("node-a");
        Checkpoint checkpoint = checkpoint("ckpt-1", "web");

        reconciler.reconcile(checkpoint, null);
        assertThat(agent.started).extracting(CheckpointRequest::container).containsExactly("app");

        agent.finish("uid-ckpt-1-app", "2026-12-04T10:00:00Z", null);
        reconciler.reconcile(checkpoint, null);
        assertThat(agent.started).extracting(CheckpointRequest::container).containsExactly("app", "sidecar");
        assertThat(checkpoint.getStatus().phase).isEqualTo(CheckpointPhase.Running);

        agent.finish("uid-ckpt-1-sidecar", "2026-12-04T10:00:01.250Z", null);
        reconciler.reconcile(checkpoint, null);
        assertThat(checkpoint.getStatus().phase).isEqualTo(CheckpointPhase.Succeeded);
        assertThat(checkpoint.getStatus().containerSkewSeconds).isEqualTo(1.25);
        assertThat(checkpoint.getStatus().containers).extracting(c -> c.name).containsExactly("app", "sidecar");
    }

    @Test
    void aBusyContainerIsWaitedForNotFailed() {
        cluster.pods.put("shop/web", FakeCluster.runningPod("shop", "web", "node-a", "app"));
        cluster.agentOn("node-a").busyContainer = "app";
        Checkpoint checkpoint = checkpoint("ckpt-2", "web");

        UpdateControl<Checkpoint> control = reconciler.reconcile(checkpoint, null);

        assertThat(checkpoint.getStatus().phase).isEqualTo(CheckpointPhase.Running);
        assertThat(ready(checkpoint).getReason()).isEqualTo("ContainerBusy");
        assertThat(control.getScheduleDelay()).contains(CheckpointReconciler.WAIT.toMillis());
    }

    @Test
    void anAgentsFailureFailsTheCheckpointWithItsReason() {
        cluster.pods.put("shop/web", FakeCluster.runningPod("shop", "web", "node-a", "app"));
        FakeCluster.FakeAgent agent = cluster.agentOn("node-a");
        Checkpoint checkpoint = checkpoint("ckpt-1", "web");
        reconciler.reconcile(checkpoint, null);

        agent.fail("uid-ckpt-1-app", "KubeletTimeout", "the kubelet did not answer within 120 s");
        reconciler.reconcile(checkpoint, null);

        assertFailed(checkpoint, "KubeletTimeout", "container app: the kubelet did not answer within 120 s");
    }

    @Test
    void anOperatorThatRestartsFollowsTheOperationUnderWay() {
        cluster.pods.put("shop/web", FakeCluster.runningPod("shop", "web", "node-a", "app"));
        FakeCluster.FakeAgent agent = cluster.agentOn("node-a");
        Checkpoint checkpoint = checkpoint("ckpt-1", "web");
        reconciler.reconcile(checkpoint, null);

        CheckpointReconciler restarted = reconciler();
        restarted.reconcile(checkpoint, null);
        agent.finish("uid-ckpt-1-app", "2026-12-04T10:00:00Z", null);
        restarted.reconcile(checkpoint, null);

        assertThat(agent.started).as("the container was checkpointed once").hasSize(1);
        assertThat(checkpoint.getStatus().phase).isEqualTo(CheckpointPhase.Succeeded);
    }

    @Test
    void anExportGoesToTheNamedOrDefaultRepositoryTaggedByName() {
        cluster.pods.put("shop/web", FakeCluster.runningPod("shop", "web", "node-a", "app", "sidecar"));
        cluster.secrets.put("shop/push", "{\"auths\":{}}");
        FakeCluster.FakeAgent agent = cluster.agentOn("node-a");
        Checkpoint checkpoint = checkpoint("ckpt-1", "web");
        checkpoint.getSpec().export = new CheckpointExport();
        checkpoint.getSpec().export.pushSecretName = "push";

        reconciler.reconcile(checkpoint, null);

        assertThat(agent.started).singleElement().satisfies(r -> {
            assertThat(r.export().reference())
                    .as("the default repository, one below it per namespace")
                    .isEqualTo("registry.local:5000/checkpoints/shop:ckpt-1-app");
            assertThat(r.export().plainHttp()).isTrue();
            assertThat(r.export().dockerConfigJson()).isEqualTo("{\"auths\":{}}");
            assertThat(r.export().toString()).doesNotContain("auths");
        });
    }

    @Test
    void aCheckpointWhoseNameMakesNoTagFailsBeforeAnythingIsTaken() {
        cluster.pods.put("shop/web", FakeCluster.runningPod("shop", "web", "node-a", "app"));
        FakeCluster.FakeAgent agent = cluster.agentOn("node-a");
        Checkpoint checkpoint = checkpoint("c".repeat(129), "web");
        checkpoint.getSpec().export = new CheckpointExport();

        reconciler.reconcile(checkpoint, null);

        assertThat(ready(checkpoint).getReason()).isEqualTo("InvalidExportTag");
        assertThat(agent.started).isEmpty();
    }

    @Test
    void anExportWithoutAnyRepositoryFailsBeforeAnythingIsTaken() {
        cluster.pods.put("shop/web", FakeCluster.runningPod("shop", "web", "node-a", "app"));
        cluster.agentOn("node-a");
        CheckpointReconciler noDefault = new CheckpointReconciler(
                cluster,
                cluster,
                cluster,
                new CheckpointStatusRecorder(cluster, metrics, Clock.systemUTC()),
                new OperatorSettings(null, Set.of(), 120),
                Clock.systemUTC());
        Checkpoint checkpoint = checkpoint("ckpt-1", "web");
        checkpoint.getSpec().export = new CheckpointExport();

        noDefault.reconcile(checkpoint, null);

        assertThat(checkpoint.getStatus().phase).isEqualTo(CheckpointPhase.Failed);
        assertThat(ready(checkpoint).getReason()).isEqualTo("NoExportRepository");
        assertThat(cluster.agentOn("node-a").started).isEmpty();
    }

    @Test
    void aNamedContainerThatThePodLacksFails() {
        cluster.pods.put("shop/web", FakeCluster.runningPod("shop", "web", "node-a", "app"));
        cluster.agentOn("node-a");
        Checkpoint checkpoint = checkpoint("ckpt-1", "web");
        checkpoint.getSpec().containers = List.of("db");

        reconciler.reconcile(checkpoint, null);

        assertFailed(checkpoint, "NoSuchContainer", "pod shop/web has no container db (it has app)");
    }

    @Test
    void aCheckpointThatOutlivesItsTimeoutsFailsWhateverTheAgentSays() {
        cluster.pods.put("shop/web", FakeCluster.runningPod("shop", "web", "node-a", "app"));
        cluster.agentOn("node-a");
        Checkpoint checkpoint = checkpoint("ckpt-1", "web");
        reconciler.reconcile(checkpoint, null);

        clock.now = clock.now.plusSeconds(120 + 120); // one container's timeout plus the grace: not yet
        reconciler.reconcile(checkpoint, null);
        assertThat(checkpoint.getStatus().phase).isEqualTo(CheckpointPhase.Running);
        assertThat(ready(checkpoint).getReason()).isEqualTo("Running");

        clock.now = clock.now.plusSeconds(1);
        reconciler.reconcile(checkpoint, null);
        assertFailed(
                checkpoint,
                "Timeout",
                "not finished within 240 s (1 container(s) x 120 s, plus 120 s); the archives taken so far stay");
    }

    @Test
    void anOperationTheAgentForgotIsNotAskedForAgainButFailsAsLost() {
        cluster.pods.put("shop/web", FakeCluster.runningPod("shop", "web", "node-a", "app"));
        FakeCluster.FakeAgent agent = cluster.agentOn("node-a");
        Checkpoint checkpoint = checkpoint("ckpt-1", "web");
        reconciler.reconcile(checkpoint, null);
        assertThat(checkpoint.getStatus().containers.getFirst().operationStartedAt)
                .isEqualTo("2026-12-04T10:00:00Z");

        agent.operations.clear(); // the agent restarted
        reconciler.reconcile(checkpoint, null);

        assertThat(agent.started)
                .as("the container is not dumped a second time")
                .hasSize(1);
        assertThat(checkpoint.getStatus().phase).isEqualTo(CheckpointPhase.Failed);
        assertThat(ready(checkpoint).getReason()).isEqualTo("OperationLost");
        assertThat(ready(checkpoint).getMessage())
                .contains("no longer knows the checkpoint of container app it accepted at 2026-12-04T10:00:00Z");
    }

    @Test
    void aPodReplacedBetweenTwoContainersIsNotCheckpointedInTheOldOnesPlace() {
        cluster.pods.put("shop/web", FakeCluster.runningPod("shop", "web", "node-a", "app", "sidecar"));
        FakeCluster.FakeAgent agent = cluster.agentOn("node-a");
        Checkpoint checkpoint = checkpoint("ckpt-1", "web");
        reconciler.reconcile(checkpoint, null);
        assertThat(checkpoint.getStatus().podUID).isEqualTo("uid-pod-web");
        agent.finish("uid-ckpt-1-app", "2026-12-04T10:00:01Z", null);
        Pod replacement = FakeCluster.runningPod("shop", "web", "node-b", "app", "sidecar");
        replacement.getMetadata().setUid("uid-pod-web-2");
        cluster.pods.put("shop/web", replacement);

        reconciler.reconcile(checkpoint, null);

        assertThat(agent.started).extracting(r -> r.container()).containsExactly("app");
        assertThat(ready(checkpoint).getReason()).isEqualTo("PodReplaced");
        assertThat(checkpoint.getStatus().containers.getFirst().archivePath).isNotNull();

        cluster.agentOn("node-b");
        Checkpoint second = checkpoint("ckpt-2", "web");
        reconciler.reconcile(second, null);
        cluster.pods.remove("shop/web");
        cluster.agentOn("node-b").finish("uid-ckpt-2-app", "2026-12-04T10:00:02Z", null);
        reconciler.reconcile(second, null);
        assertThat(ready(second).getReason()).isEqualTo("PodGone");
    }

    @Test
    void anAgentThatIsThereButNotReadyIsWaitedForAWhile() {
        cluster.pods.put("shop/web", FakeCluster.runningPod("shop", "web", "node-a", "app"));
        cluster.agentOn("node-a");
        cluster.notReady.add("node-a");
        Checkpoint checkpoint = checkpoint("ckpt-1", "web");
        checkpoint.getMetadata().setCreationTimestamp("2026-12-04T10:00:00Z");

        UpdateControl<Checkpoint> waiting = reconciler.reconcile(checkpoint, null);

        assertThat(checkpoint.getStatus().phase).isEqualTo(CheckpointPhase.Pending);
        assertThat(ready(checkpoint).getReason()).isEqualTo("AgentNotReady");
        assertThat(waiting.getScheduleDelay()).contains(CheckpointReconciler.WAIT.toMillis());

        clock.now = clock.now.plus(CheckpointReconciler.AGENT_GRACE).plusSeconds(1);
        reconciler.reconcile(checkpoint, null);
        assertFailed(checkpoint, "NoAgentOnNode", "the amber agent on node node-a is not Ready (pod agent-x)");
    }

    @Test
    void anApiServerThatIsAwayIsWaitedOutWithoutSpendingRetries() {
        Checkpoint checkpoint = checkpoint("ckpt-1", "web");

        var control = reconciler.updateErrorStatus(
                checkpoint, null, new KubernetesClientException("service unavailable", 503, null));

        assertThat(control.getResource()).isPresent();
        assertThat(control.getScheduleDelay()).contains(CheckpointReconciler.WAIT.toMillis());
        assertThat(ready(checkpoint).getReason()).isEqualTo("ApiServerUnavailable");
        assertThat(checkpoint.getStatus().phase).isEqualTo(CheckpointPhase.Pending);
    }

    @Test
    void aNodeWhoseRuntimeCannotCheckpointFailsAtOnceSayingHowToEnableIt() {
        cluster.pods.put("shop/web", FakeCluster.runningPod("shop", "web", "node-a", "app"));
        cluster.agentOn("node-a");
        cluster.addNode(
                "node-a",
                new RuntimeCapability(
                        "containerd",
                        "v2.3.7",
                        false,
                        "CRIU support is off (enable_criu = false)",
                        "None",
                        "CRIU support is off (enable_criu = false)",
                        "set enable_criu = true in containerd's config and restart containerd",
                        "2026-12-04T10:00:00Z"));
        Checkpoint checkpoint = checkpoint("ckpt-1", "web");

        reconciler.reconcile(checkpoint, null);

        assertFailed(
                checkpoint,
                "RuntimeCannotCheckpoint",
                "the runtime of node node-a cannot checkpoint: CRIU support is off (enable_criu = false); to enable it,"
                        + " set enable_criu = true in containerd's config and restart containerd");
        assertThat(cluster.agentOn("node-a").started).isEmpty();
    }

    @Test
    void outcomesAreCountedWhereTheyAreRecorded() {
        cluster.pods.put("shop/web", FakeCluster.runningPod("shop", "web", "node-a", "app"));
        FakeCluster.FakeAgent agent = cluster.agentOn("node-a");
        Checkpoint good = checkpoint("ckpt-1", "web");
        reconciler.reconcile(good, null);
        agent.finish("uid-ckpt-1-app", "2026-12-04T10:00:00Z", null);
        reconciler.reconcile(good, null);
        reconciler.reconcile(checkpoint("ckpt-2", "gone"), null);

        assertThat(metrics.scrape())
                .contains("amber_checkpoint_duration_seconds_count{result=\"Succeeded\"} 1")
                .contains("amber_checkpoint_duration_seconds_count{result=\"Failed\"} 1")
                .contains("amber_checkpoint_container_duration_seconds_count{exported=\"false\"} 1")
                .contains("amber_checkpoint_failures_total{reason=\"PodNotFound\"} 1.0");
    }

    private CheckpointReconciler reconciler() {
        return new CheckpointReconciler(
                cluster, cluster, cluster, new CheckpointStatusRecorder(cluster, metrics, clock), SETTINGS, clock);
    }

    private static Checkpoint checkpoint(String name, String pod) {
        Checkpoint checkpoint = new Checkpoint();
        checkpoint.setMetadata(new ObjectMetaBuilder()
                .withNamespace("shop")
                .withName(name)
                .withUid("uid-" + name)
                .withGeneration(1L)
                .build());
        checkpoint.setSpec(new CheckpointSpec());
        checkpoint.getSpec().podName = pod;
        return checkpoint;
    }

    private static Condition ready(Checkpoint checkpoint) {
        return checkpoint.getStatus().conditions.stream()
                .filter(c -> c.getType().equals(ConditionTypes.READY))
                .findFirst()
                .orElseThrow();
    }

    private static void assertFailed(Checkpoint checkpoint, String reason, String message) {
        assertThat(checkpoint.getStatus().phase).isEqualTo(CheckpointPhase.Failed);
        assertThat(ready(checkpoint).getStatus()).isEqualTo("False");
        assertThat(ready(checkpoint).getReason()).isEqualTo(reason);
        assertThat(ready(checkpoint).getMessage()).isEqualTo(message);
        assertThat(checkpoint.getStatus().completionTime).isNotNull();
    }
}
