package dev.amber.operator.restore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.amber.api.v1alpha1.Checkpoint;
import dev.amber.api.v1alpha1.CheckpointPhase;
import dev.amber.api.v1alpha1.CheckpointSpec;
import dev.amber.api.v1alpha1.CheckpointStatus;
import dev.amber.api.v1alpha1.ConditionTypes;
import dev.amber.api.v1alpha1.ContainerCheckpointStatus;
import dev.amber.api.v1alpha1.PodOverrides;
import dev.amber.api.v1alpha1.Restore;
import dev.amber.api.v1alpha1.RestorePhase;
import dev.amber.api.v1alpha1.RestoreSpec;
import dev.amber.operator.SettableClock;
import dev.amber.operator.checkpoint.CheckpointPlan;
import dev.amber.operator.checkpoint.FakeCluster;
import dev.amber.operator.status.OperatorMetrics;
import dev.amber.operator.status.RestoreStatusRecorder;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ContainerStateTerminatedBuilder;
import io.fabric8.kubernetes.api.model.ContainerStateWaitingBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.NodeAffinity;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Restore controller's decisions, step by step, on the in-memory seams of {@link FakeCluster}: each
 * reconcile is called as JOSDK would call it, and what it records and creates is checked.
 */
class RestoreReconcilerTest {
    private static final String CREATED = "2026-12-04T10:00:00Z";
    private static final String IMAGE_APP = "registry.local:5000/checkpoints@sha256:" + "a".repeat(64);
    private static final String IMAGE_SIDECAR = "registry.local:5000/checkpoints@sha256:" + "b".repeat(64);

    private final FakeCluster cluster = new FakeCluster();
    private final OperatorMetrics metrics = new OperatorMetrics();
    private final SettableClock clock = new SettableClock(Instant.parse(CREATED).plusMillis(2500));
    private final RestoreReconciler reconciler =
            new RestoreReconciler(cluster, cluster, new RestoreStatusRecorder(cluster, metrics, clock));

    @Test
    void aCheckpointComesBackAsAPinnedPodFromItsImagesByDigest() {
        cluster.checkpoints.put("shop/ckpt-1", succeeded("ckpt-1", IMAGE_APP, IMAGE_SIDECAR));
        cluster.addNode("node-b", Capabilities.RESTORES);
        Restore restore = restore("rst-1", "ckpt-1", "node-b");
        restore.getSpec().podOverrides = new PodOverrides();
        restore.getSpec().podOverrides.labels = Map.of("app", "web-restored", "extra", "yes");
        restore.getSpec().podOverrides.annotations = Map.of("note", "restored");

        UpdateControl<Restore> control = reconciler.reconcile(restore, null);

        assertThat(control.getScheduleDelay()).contains(RestoreReconciler.POLL.toMillis());
        assertThat(restore.getStatus().phase).isEqualTo(RestorePhase.Restoring);
        assertThat(restore.getStatus().podName).isEqualTo("rst-1");
        assertThat(restore.getStatus().nodeName).isEqualTo("node-b");
        assertThat(restore.getStatus().backend).isEqualTo("CreateContainer");
        Pod pod = cluster.created.getFirst();
        assertThat(pod.getMetadata().getNamespace()).isEqualTo("shop");
        assertThat(pod.getMetadata().getName()).isEqualTo("rst-1");
        assertThat(pod.getMetadata().getLabels())
                .containsEntry("app", "web-restored")
                .containsEntry("tier", "front")
                .containsEntry("extra", "yes")
                .containsEntry("amber.dev/restore", "rst-1");
        assertThat(pod.getMetadata().getAnnotations())
                .containsEntry("note", "restored")
                .containsEntry("kept", "1")
                .containsEntry("amber.dev/checkpoint", "shop/ckpt-1");
        assertThat(pod.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> {
            assertThat(o.getKind()).isEqualTo("Restore");
            assertThat(o.getApiVersion()).isEqualTo("amber.dev/v1alpha1");
            assertThat(o.getUid()).isEqualTo("uid-rst-1");
            assertThat(o.getController()).isTrue();
            assertThat(o.getBlockOwnerDeletion()).isTrue();
        });
        assertThat(pod.getSpec().getNodeName()).isEqualTo("node-b");
        assertThat(pod.getSpec().getNodeSelector()).isNull();
        assertThat(pod.getSpec().getAffinity().getNodeAffinity()).isNull();
        assertThat(pod.getSpec().getPriority()).isNull();
        assertThat(pod.getSpec().getEphemeralContainers()).isNull();
        assertThat(pod.getSpec().getServiceAccountName()).isEqualTo("web-sa");
        assertThat(pod.getSpec().getContainers())
                .extracting(c -> c.getName() + " " + c.getImage() + " " + c.getImagePullPolicy())
                .containsExactly("app " + IMAGE_APP + " IfNotPresent", "sidecar " + IMAGE_SIDECAR + " IfNotPresent");
        assertThat(pod.getSpec().getContainers().getFirst().getEnv())
                .extracting(EnvVar::getName)
                .containsExactly("MODE");
        assertThat(cluster.checkpoints
                        .get("shop/ckpt-1")
                        .getStatus()
                        .podTemplate
                        .getSpec()
                        .getContainers()
                        .getFirst()
                        .getImage())
                .as("the Checkpoint's template is left as it was")
                .isEqualTo("busybox");

        // Still coming up: looked at again, nothing created again.
        UpdateControl<Restore> again = reconciler.reconcile(restore, null);
        assertThat(again.getScheduleDelay()).contains(RestoreReconciler.POLL.toMillis());
        assertThat(ready(restore).getMessage()).isEqualTo("container app of pod shop/rst-1 is not created yet");
        assertThat(cluster.created).hasSize(1);

        running("shop/rst-1");
        UpdateControl<Restore> done = reconciler.reconcile(restore, null);

        assertThat(done.getScheduleDelay()).isEmpty();
        assertThat(restore.getStatus().phase).isEqualTo(RestorePhase.Running);
        assertThat(restore.getStatus().timeToRunningSeconds).isEqualTo(2.5);
        assertThat(ready(restore).getStatus()).isEqualTo("True");
        assertThat(restore.getStatus().observedGeneration).isEqualTo(1L);
        assertThat(cluster.events)
                .extracting(e -> e.split(":")[0])
                .containsExactly("Normal Restoring", "Normal Running");
        assertThat(reconciler.reconcile(restore, null).isNoUpdate())
                .as("a finished Restore costs nothing")
                .isTrue();
        assertThat(metrics.scrape()).contains("amber_restore_duration_seconds_count{result=\"Running\"} 1");
    }

    @Test
    void theCheckpointMayLiveInAnotherNamespaceAndThePodBeNamed() {
        cluster.checkpoints.put("ops/ckpt-1", succeeded("ckpt-1", IMAGE_APP));
        cluster.addNode("node-b", Capabilities.RESTORES);
        Restore restore = restore("rst-1", "ckpt-1", "node-b");
        restore.getSpec().checkpointNamespace = "ops";
        restore.getSpec().podName = "web-2";

        reconciler.reconcile(restore, null);

        assertThat(restore.getStatus().podName).isEqualTo("web-2");
        assertThat(cluster.pods).containsKey("shop/web-2");
        assertThat(cluster.created.getFirst().getMetadata().getAnnotations())
                .containsEntry("amber.dev/checkpoint", "ops/ckpt-1");
    }

    @Test
    void aMissingCheckpointFails() {
        Restore restore = restore("rst-1", "nope", "node-b");
        cluster.addNode("node-b", Capabilities.RESTORES);

        reconciler.reconcile(restore, null);

        assertFailed(restore, "CheckpointNotFound", "no Checkpoint nope in namespace shop");
        assertThat(cluster.events).containsExactly("Warning CheckpointNotFound: no Checkpoint nope in namespace shop");
        assertThat(metrics.scrape())
                .contains("amber_restore_failures_total{reason=\"CheckpointNotFound\"} 1.0")
                .contains("amber_restore_duration_seconds_count{result=\"Failed\"} 1");
    }

    @Test
    void aCheckpointThatHasNotSucceededFails() {
        Checkpoint running = succeeded("ckpt-1", IMAGE_APP);
        running.getStatus().phase = CheckpointPhase.Running;
        cluster.checkpoints.put("shop/ckpt-1", running);
        cluster.addNode("node-b", Capabilities.RESTORES);
        Restore restore = restore("rst-1", "ckpt-1", "node-b");

        reconciler.reconcile(restore, null);

        assertFailed(restore, "CheckpointNotSucceeded", "Checkpoint shop/ckpt-1 is Running, not Succeeded");
        assertThat(cluster.created).isEmpty();
    }

    @Test
    void aContainerThatWasNotExportedFails() {
        cluster.checkpoints.put("shop/ckpt-1", succeeded("ckpt-1", IMAGE_APP, null));
        cluster.addNode("node-b", Capabilities.RESTORES);
        Restore restore = restore("rst-1", "ckpt-1", "node-b");

        reconciler.reconcile(restore, null);

        assertFailed(
                restore,
                "NotExported",
                "container sidecar of Checkpoint shop/ckpt-1 was not exported as an image (checkpoint with export)");
    }

    @Test
    void anImageByTagIsNotAnExport() {
        cluster.checkpoints.put("shop/ckpt-1", succeeded("ckpt-1", "registry.local:5000/checkpoints:ckpt-1"));
        cluster.addNode("node-b", Capabilities.RESTORES);
        Restore restore = restore("rst-1", "ckpt-1", "node-b");

        reconciler.reconcile(restore, null);

        assertThat(ready(restore).getReason()).isEqualTo("NotExported");
        assertThat(ready(restore).getMessage()).contains("not an image by digest");
    }

    @Test
    void withoutATargetNodeTheSchedulerPicksAmongTheNodesThatCanRestore() {
        cluster.checkpoints.put("shop/ckpt-1", succeeded("ckpt-1", IMAGE_APP));
        cluster.addNode("node-a", Capabilities.CHECKPOINT_ONLY);
        cluster.addNode("node-b", Capabilities.RESTORES);
        cluster.addNode("node-c", Capabilities.RESTORES);
        Restore restore = restore("rst-1", "ckpt-1", null);

        reconciler.reconcile(restore, null);

        assertThat(restore.getStatus().phase).isEqualTo(RestorePhase.Restoring);
        assertThat(restore.getStatus().nodeName).isNull();
        assertThat(cluster.events)
                .contains("Normal Restoring: restoring pod rst-1 through CreateContainer on a node the scheduler"
                        + " picks among 2 that can restore");
        Pod pod = cluster.created.getFirst();
        assertThat(pod.getSpec().getNodeName()).isNull();
        var term = pod.getSpec()
                .getAffinity()
                .getNodeAffinity()
                .getRequiredDuringSchedulingIgnoredDuringExecution()
                .getNodeSelectorTerms()
                .getFirst()
                .getMatchExpressions()
                .getFirst();
        assertThat(term.getKey()).isEqualTo("amber.dev/restore-backend");
        assertThat(term.getOperator()).isEqualTo("In");
        assertThat(term.getValues()).containsExactly("CreateContainer");

        // Once scheduled, the status names the node the scheduler chose.
        Pod scheduled =
                new PodBuilder(pod).editSpec().withNodeName("node-c").endSpec().build();
        cluster.pods.put("shop/rst-1", scheduled);
        reconciler.reconcile(restore, null);
        assertThat(restore.getStatus().nodeName).isEqualTo("node-c");
    }

    @Test
    void withoutATargetNodeAndNoNodeThatCanRestoreTheRestoreFailsAtOnce() {
        cluster.checkpoints.put("shop/ckpt-1", succeeded("ckpt-1", IMAGE_APP));
        cluster.addNode("node-a", Capabilities.CHECKPOINT_ONLY);
        cluster.addNode("node-b", null);
        Restore restore = restore("rst-1", "ckpt-1", null);

        reconciler.reconcile(restore, null);

        assertFailed(
                restore,
                "NoNodeCanRestore",
                "no node reports that its runtime can restore (label amber.dev/restore-backend=CreateContainer);"
                        + " `amber nodes` shows why each cannot, or name spec.targetNode");
        assertThat(cluster.created).isEmpty();
    }

    @Test
    void aTargetNodeWhoseRuntimeCannotRestoreFailsAtOnceSayingHowToEnableIt() {
        cluster.checkpoints.put("shop/ckpt-1", succeeded("ckpt-1", IMAGE_APP));
        cluster.addNode("node-a", Capabilities.CHECKPOINT_ONLY);
        Restore restore = restore("rst-1", "ckpt-1", "node-a");

        reconciler.reconcile(restore, null);

        assertFailed(
                restore,
                "NodeCannotRestore",
                "node node-a cannot restore: restore through CreateContainer is off"
                        + " (enable_experimental_restore_via_create = false); to enable it, set"
                        + " enable_experimental_restore_via_create = true in containerd's config");
        assertThat(cluster.created).isEmpty();
    }

    @Test
    void whereNoNodePublishesAnythingTheSchedulerPicksAmongThemAll() {
        cluster.checkpoints.put("shop/ckpt-1", succeeded("ckpt-1", IMAGE_APP));
        cluster.addNode("node-a", null);
        cluster.addNode("node-b", null);
        Restore restore = restore("rst-1", "ckpt-1", null);

        reconciler.reconcile(restore, null);

        assertThat(restore.getStatus().phase).isEqualTo(RestorePhase.Restoring);
        Pod pod = cluster.created.getFirst();
        assertThat(pod.getSpec().getNodeName()).isNull();
        assertThat(pod.getSpec().getAffinity() == null
                        || pod.getSpec().getAffinity().getNodeAffinity() == null)
                .as("no node affinity on a label no node carries")
                .isTrue();
    }

    @Test
    void aLabelChangedByHandIsWhatCounts() {
        cluster.checkpoints.put("shop/ckpt-1", succeeded("ckpt-1", IMAGE_APP));
        cluster.addNode("node-b", Capabilities.RESTORES);
        cluster.nodes.get("node-b").getMetadata().getLabels().put("amber.dev/restore-backend", "None");
        Restore restore = restore("rst-1", "ckpt-1", null);

        reconciler.reconcile(restore, null);

        assertThat(ready(restore).getReason()).isEqualTo("NoNodeCanRestore");
    }

    @Test
    void aCheckpointIsRestoredOnlyOnItsArchitecture() {
        Checkpoint source = succeeded("ckpt-1", IMAGE_APP);
        source.getStatus().nodeArchitecture = "amd64";
        cluster.checkpoints.put("shop/ckpt-1", source);
        cluster.addNode("node-arm", Capabilities.RESTORES);
        cluster.nodes.get("node-arm").getMetadata().getLabels().put("kubernetes.io/arch", "arm64");
        cluster.addNode("node-x86", Capabilities.RESTORES);
        cluster.nodes.get("node-x86").getMetadata().getLabels().put("kubernetes.io/arch", "amd64");

        Restore pinned = restore("rst-1", "ckpt-1", "node-arm");
        reconciler.reconcile(pinned, null);
        assertThat(ready(pinned).getReason()).isEqualTo("ArchitectureMismatch");
        assertThat(ready(pinned).getMessage())
                .isEqualTo("node node-arm is arm64, but the checkpoint was taken on amd64: CRIU restores a process only"
                        + " on the architecture it was dumped on");

        Restore placed = restore("rst-2", "ckpt-1", null);
        reconciler.reconcile(placed, null);
        assertThat(cluster.created.getFirst().getSpec().getNodeSelector())
                .containsExactly(Map.entry("kubernetes.io/arch", "amd64"));
        assertThat(cluster.events).anySatisfy(e -> assertThat(e).contains("picks among 1 that can restore"));
    }

    @Test
    void aTargetNodeThatPublishedNothingIsTried() {
        cluster.checkpoints.put("shop/ckpt-1", succeeded("ckpt-1", IMAGE_APP));
        cluster.addNode("node-b", null);
        Restore restore = restore("rst-1", "ckpt-1", "node-b");

        reconciler.reconcile(restore, null);

        assertThat(restore.getStatus().phase).isEqualTo(RestorePhase.Restoring);
        assertThat(cluster.created.getFirst().getSpec().getNodeName()).isEqualTo("node-b");
    }

    @Test
    void wherePodLevelRestoreIsServedAndCreateContainerIsNotItIsDetectedAndRefusedAsUntested() {
        cluster.checkpoints.put("shop/ckpt-1", succeeded("ckpt-1", IMAGE_APP));
        cluster.addNode("node-a", Capabilities.CHECKPOINT_ONLY);
        cluster.podLevelServed = true;
        Restore restore = restore("rst-1", "ckpt-1", "node-a");

        reconciler.reconcile(restore, null);

        assertThat(restore.getStatus().phase).isEqualTo(RestorePhase.Failed);
        assertThat(ready(restore).getReason()).isEqualTo("PodLevelUntested");
        assertThat(ready(restore).getMessage())
                .startsWith("node node-a cannot restore: restore through CreateContainer is off")
                .contains("to enable it, set enable_experimental_restore_via_create = true")
                .contains("this cluster serves checkpoint.k8s.io");
        assertThat(cluster.created).isEmpty();
    }

    @Test
    void aTargetNodeThatIsNoNodeFails() {
        cluster.checkpoints.put("shop/ckpt-1", succeeded("ckpt-1", IMAGE_APP));
        Restore restore = restore("rst-1", "ckpt-1", "node-z");

        reconciler.reconcile(restore, null);

        assertFailed(restore, "NoSuchNode", "no node node-z in the cluster");
    }

    @Test
    void anImageByDigestComesBackAsAOneContainerPodNamedAsTheImageSays() {
        Restore restore = restore("rst-1", null, "node-b");
        restore.getSpec().image = IMAGE_APP;
        cluster.addNode("node-b", Capabilities.RESTORES);
        cluster.imageInfos.put(IMAGE_APP, Capabilities.imageOf(IMAGE_APP, "counter", true));

        reconciler.reconcile(restore, null);

        assertThat(restore.getStatus().phase).isEqualTo(RestorePhase.Restoring);
        Pod pod = cluster.created.getFirst();
        assertThat(pod.getSpec().getNodeName()).isEqualTo("node-b");
        assertThat(pod.getSpec().getContainers()).singleElement().satisfies(c -> {
            assertThat(c.getName()).isEqualTo("counter");
            assertThat(c.getImage()).isEqualTo(IMAGE_APP);
        });
        assertThat(pod.getMetadata().getAnnotations()).containsEntry("amber.dev/checkpoint", IMAGE_APP);
    }

    @Test
    void anImageThatIsNoCheckpointOrCannotBeReadFails() {
        cluster.addNode("node-b", Capabilities.RESTORES);
        Restore plain = restore("rst-1", null, "node-b");
        plain.getSpec().image = IMAGE_APP;
        cluster.imageInfos.put(IMAGE_APP, Capabilities.imageOf(IMAGE_APP, null, false));
        reconciler.reconcile(plain, null);
        assertThat(ready(plain).getReason()).isEqualTo("NotACheckpointImage");

        Restore missing = restore("rst-2", null, "node-b");
        missing.getSpec().image = IMAGE_SIDECAR;
        reconciler.reconcile(missing, null);
        assertThat(ready(missing).getReason()).isEqualTo("ImageUnreadable");
        assertThat(ready(missing).getMessage()).contains("has no image");
        assertThat(cluster.created).isEmpty();
    }

    @Test
    void aPodOfThatNameNotMadeByTheRestoreFails() {
        cluster.checkpoints.put("shop/ckpt-1", succeeded("ckpt-1", IMAGE_APP));
        cluster.addNode("node-b", Capabilities.RESTORES);
        cluster.pods.put("shop/rst-1", FakeCluster.runningPod("shop", "rst-1", "node-a", "app"));
        Restore restore = restore("rst-1", "ckpt-1", "node-b");

        reconciler.reconcile(restore, null);

        assertFailed(
                restore,
                "PodExists",
                "a pod rst-1 not made by this Restore exists in namespace shop (name another with spec.podName)");
        assertThat(cluster.created).isEmpty();
    }

    @Test
    void aPodItMadeBeforeARestartIsAdoptedNotCreatedAgain() {
        cluster.checkpoints.put("shop/ckpt-1", succeeded("ckpt-1", IMAGE_APP));
        cluster.addNode("node-b", Capabilities.RESTORES);
        Restore restore = restore("rst-1", "ckpt-1", "node-b");
        Pod mine = FakeCluster.runningPod("shop", "rst-1", "node-b", "app");
        mine.getMetadata().setOwnerReferences(List.of(RestorePlan.owner(restore)));
        cluster.pods.put("shop/rst-1", mine);

        reconciler.reconcile(restore, null);

        assertThat(cluster.created).isEmpty();
        assertThat(restore.getStatus().phase).isEqualTo(RestorePhase.Running);
    }

    @Test
    void aContainerTheRuntimeCannotCreateFailsTheRestoreWithItsReasonAndLeavesThePod() {
        cluster.checkpoints.put("shop/ckpt-1", succeeded("ckpt-1", IMAGE_APP));
        cluster.addNode("node-b", Capabilities.RESTORES);
        Restore restore = restore("rst-1", "ckpt-1", "node-b");
        reconciler.reconcile(restore, null);

        status(
                "shop/rst-1",
                new ContainerStatusBuilder()
                        .withName("app")
                        .withNewState()
                        .withWaiting(new ContainerStateWaitingBuilder()
                                .withReason("CreateContainerError")
                                .withMessage("failed to restore container app: criu failed")
                                .build())
                        .endState()
                        .build());
        reconciler.reconcile(restore, null);

        assertFailed(
                restore,
                "CreateContainerError",
                "container app of pod shop/rst-1: failed to restore container app: criu failed");
        assertThat(cluster.pods).as("left for inspection").containsKey("shop/rst-1");
    }

    @Test
    void aTerminatedContainerFailsTheRestore() {
        cluster.checkpoints.put("shop/ckpt-1", succeeded("ckpt-1", IMAGE_APP));
        cluster.addNode("node-b", Capabilities.RESTORES);
        Restore restore = restore("rst-1", "ckpt-1", "node-b");
        reconciler.reconcile(restore, null);

        status(
                "shop/rst-1",
                new ContainerStatusBuilder()
                        .withName("app")
                        .withNewState()
                        .withTerminated(new ContainerStateTerminatedBuilder()
                                .withReason("Error")
                                .withExitCode(1)
                                .build())
                        .endState()
                        .build());
        reconciler.reconcile(restore, null);

        assertFailed(restore, "Error", "container app of pod shop/rst-1 terminated (exit code 1)");
    }

    @Test
    void aFailedPodFailsTheRestore() {
        cluster.checkpoints.put("shop/ckpt-1", succeeded("ckpt-1", IMAGE_APP));
        cluster.addNode("node-b", Capabilities.RESTORES);
        Restore restore = restore("rst-1", "ckpt-1", "node-b");
        reconciler.reconcile(restore, null);

        Pod pod = cluster.pods.get("shop/rst-1");
        pod.setStatus(new PodStatusBuilder()
                .withPhase("Failed")
                .withReason("NodeAffinity")
                .withMessage("Pod was rejected: Predicate NodeAffinity failed")
                .build());
        reconciler.reconcile(restore, null);

        assertFailed(restore, "NodeAffinity", "pod shop/rst-1: Pod was rejected: Predicate NodeAffinity failed");
    }

    @Test
    void aPodDeletedWhileRestoringFailsTheRestore() {
        cluster.checkpoints.put("shop/ckpt-1", succeeded("ckpt-1", IMAGE_APP));
        cluster.addNode("node-b", Capabilities.RESTORES);
        Restore restore = restore("rst-1", "ckpt-1", "node-b");
        reconciler.reconcile(restore, null);

        cluster.pods.remove("shop/rst-1");
        reconciler.reconcile(restore, null);

        assertFailed(restore, "PodDeleted", "pod shop/rst-1 was deleted before it ran");
    }

    @Test
    void aRestoreStuckForFiveMinutesTimesOut() {
        cluster.checkpoints.put("shop/ckpt-1", succeeded("ckpt-1", IMAGE_APP));
        cluster.addNode("node-b", Capabilities.RESTORES);
        Restore restore = restore("rst-1", "ckpt-1", "node-b");
        reconciler.reconcile(restore, null);
        status(
                "shop/rst-1",
                new ContainerStatusBuilder()
                        .withName("app")
                        .withNewState()
                        .withWaiting(new ContainerStateWaitingBuilder()
                                .withReason("ContainerCreating")
                                .build())
                        .endState()
                        .build());

        clock.now = Instant.parse(CREATED).plus(Duration.ofMinutes(4));
        reconciler.reconcile(restore, null);
        assertThat(restore.getStatus().phase).isEqualTo(RestorePhase.Restoring);
        assertThat(ready(restore).getMessage()).isEqualTo("container app of pod shop/rst-1 is ContainerCreating");

        clock.now = Instant.parse(CREATED).plus(Duration.ofMinutes(5)).plusSeconds(1);
        reconciler.reconcile(restore, null);
        assertFailed(
                restore,
                "RestoreTimeout",
                "container app of pod shop/rst-1 is ContainerCreating after 5 minutes; giving up");
    }

    private void running(String key) {
        Pod pod = cluster.pods.get(key);
        List<ContainerStatus> statuses = new ArrayList<>();
        for (var c : pod.getSpec().getContainers()) {
            statuses.add(new ContainerStatusBuilder()
                    .withName(c.getName())
                    .withNewState()
                    .withNewRunning()
                    .endRunning()
                    .endState()
                    .build());
        }
        pod.setStatus(new PodStatusBuilder()
                .withPhase("Running")
                .withContainerStatuses(statuses)
                .build());
    }

    private void status(String key, ContainerStatus status) {
        cluster.pods
                .get(key)
                .setStatus(new PodStatusBuilder()
                        .withPhase("Pending")
                        .withContainerStatuses(status)
                        .build());
    }

    /** A Succeeded Checkpoint of pod web (app, sidecar...) on node-a, one image per given container. */
    private static Checkpoint succeeded(String name, String... images) {
        String[] names = {"app", "sidecar"};
        Pod old = FakeCluster.runningPod("shop", "web", "node-a", Arrays.copyOf(names, images.length));
        old = new PodBuilder(old)
                .editMetadata()
                .addToLabels("tier", "front")
                .addToAnnotations("kept", "1")
                .endMetadata()
                .editSpec()
                .withServiceAccountName("web-sa")
                .withPriority(1000)
                .withNodeSelector(Map.of("kubernetes.io/hostname", "node-a"))
                .withAffinity(new AffinityBuilder()
                        .withNodeAffinity(new NodeAffinity())
                        .build())
                .editFirstContainer()
                .addNewEnv()
                .withName("MODE")
                .withValue("count")
                .endEnv()
                .endContainer()
                .endSpec()
                .build();
        Checkpoint checkpoint = new Checkpoint();
        checkpoint.setMetadata(new ObjectMetaBuilder()
                .withNamespace("shop")
                .withName(name)
                .withUid("uid-" + name)
                .build());
        checkpoint.setSpec(new CheckpointSpec());
        checkpoint.getSpec().podName = "web";
        CheckpointStatus status = new CheckpointStatus();
        status.phase = CheckpointPhase.Succeeded;
        status.nodeName = "node-a";
        status.podTemplate = CheckpointPlan.podTemplate(old);
        status.containers = new ArrayList<>();
        for (int i = 0; i < images.length; i++) {
            ContainerCheckpointStatus c = new ContainerCheckpointStatus();
            c.name = names[i];
            c.image = images[i];
            status.containers.add(c);
        }
        checkpoint.setStatus(status);
        return checkpoint;
    }

    private static Restore restore(String name, String checkpoint, String node) {
        Restore restore = new Restore();
        restore.setMetadata(new ObjectMetaBuilder()
                .withNamespace("shop")
                .withName(name)
                .withUid("uid-" + name)
                .withGeneration(1L)
                .withCreationTimestamp(CREATED)
                .build());
        restore.setSpec(new RestoreSpec());
        restore.getSpec().checkpointName = checkpoint;
        restore.getSpec().targetNode = node;
        return restore;
    }

    private static Condition ready(Restore restore) {
        return restore.getStatus().conditions.stream()
                .filter(c -> c.getType().equals(ConditionTypes.READY))
                .findFirst()
                .orElseThrow();
    }

    private static void assertFailed(Restore restore, String reason, String message) {
        assertThat(restore.getStatus().phase).isEqualTo(RestorePhase.Failed);
        assertThat(ready(restore).getStatus()).isEqualTo("False");
        assertThat(ready(restore).getReason()).isEqualTo(reason);
        assertThat(ready(restore).getMessage()).isEqualTo(message);
    }
}
