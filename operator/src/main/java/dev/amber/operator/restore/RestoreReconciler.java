package dev.amber.operator.restore;

import dev.amber.api.v1alpha1.Checkpoint;
import dev.amber.api.v1alpha1.Restore;
import dev.amber.api.v1alpha1.RestorePhase;
import dev.amber.api.v1alpha1.RestoreStatus;
import dev.amber.errors.OneLine;
import dev.amber.image.CheckpointImageInfo;
import dev.amber.operator.checkpoint.CheckpointPlan.Result;
import dev.amber.operator.checkpoint.Failure;
import dev.amber.operator.cluster.ApiErrors;
import dev.amber.operator.cluster.Registries;
import dev.amber.operator.cluster.Workloads;
import dev.amber.operator.status.RestoreStatusRecorder;
import io.fabric8.kubernetes.api.model.Pod;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Takes a Restore through its phases: observe its Checkpoint and target node, validate
 * ({@link RestorePlan#pod}), create the pod (or adopt the one it created before an operator restart),
 * then poll the pod until every container runs or one fails, recording every outcome through
 * {@link RestoreStatusRecorder}. A finished Restore (Running or Failed) costs nothing.
 *
 * <p>A failed restore leaves its pod in place for inspection ({@code kubectl describe}, its events);
 * the pod is owned by the Restore, so deleting the Restore deletes it.
 */
@ControllerConfiguration(name = "restore")
public final class RestoreReconciler implements Reconciler<Restore> {
    /**
     * How often a Restoring pod is looked at besides its own events: the pod informer wakes the Restore as the pod
     * changes, so this is only the safety net under a lost event, and the clock for {@link #TIMEOUT}.
     */
    static final Duration POLL = Duration.ofSeconds(5);
    /** How long a Restore may take, from its creation, until its pod runs. */
    static final Duration TIMEOUT = Duration.ofMinutes(5);

    private final Workloads workloads;
    private final Registries registries;
    private final RestoreStatusRecorder recorder;

    public RestoreReconciler(Workloads workloads, Registries registries, RestoreStatusRecorder recorder) {
        this.workloads = workloads;
        this.registries = registries;
        this.recorder = recorder;
    }

    /**
     * The restored pods, which carry {@link RestorePlan#RESTORE_LABEL} and are owned by their Restore: a pod that
     * changes (scheduled, running, failed) reconciles its Restore at once. Measured: polling every second alone
     * put up to a second, and a second's rounding, between the pod running and the Restore saying so.
     */
    @Override
    public List<EventSource<?, Restore>> prepareEventSources(EventSourceContext<Restore> context) {
        InformerEventSourceConfiguration<Pod> pods = InformerEventSourceConfiguration.from(Pod.class, Restore.class)
                .withLabelSelector(RestorePlan.RESTORE_LABEL)
                .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(Restore.class, false))
                .build();
        return List.of(new InformerEventSource<>(pods, context));
    }

    @Override
    public UpdateControl<Restore> reconcile(Restore restore, Context<Restore> context) {
        RestoreStatus status = recorder.statusOf(restore);
        if (status.phase.terminal()) {
            return UpdateControl.noUpdate();
        }
        if (status.phase == RestorePhase.Pending) {
            Optional<Failure> refused = start(restore);
            if (refused.isPresent()) {
                recorder.failed(restore, refused.get());
                return UpdateControl.patchStatus(restore);
            }
        }
        return follow(restore);
    }

    /**
     * An unexpected error: the API server unavailable or throttling is waited out; anything else JOSDK retries,
     * and after its last retry the Restore fails, naming the error.
     */
    @Override
    public ErrorStatusUpdateControl<Restore> updateErrorStatus(
            Restore restore, Context<Restore> context, Exception error) {
        RestoreStatus status = recorder.statusOf(restore);
        if (status.phase.terminal()) {
            return ErrorStatusUpdateControl.noStatusUpdate();
        }
        if (ApiErrors.transientFailure(error)) {
            // Waited out without spending JOSDK's retries; the Restore still ends at its TIMEOUT.
            recorder.waiting(restore, "ApiServerUnavailable", OneLine.of(error));
            return ErrorStatusUpdateControl.patchStatus(restore).rescheduleAfter(POLL.multipliedBy(3));
        }
        boolean last = context.getRetryInfo().map(r -> r.isLastAttempt()).orElse(false);
        if (last) {
            recorder.failed(restore, new Failure("ReconcileError", OneLine.of(error)));
            return ErrorStatusUpdateControl.patchStatus(restore).withNoRetry();
        }
        recorder.waiting(restore, "Retrying", OneLine.of(error));
        return ErrorStatusUpdateControl.patchStatus(restore);
    }

    /** Validates, then creates the pod or adopts the one already made; on success the Restore is Restoring. */
    private Optional<Failure> start(Restore restore) {
        Optional<Checkpoint> checkpoint = restore.getSpec().checkpointName == null
                ? Optional.empty()
                : workloads.checkpoint(RestorePlan.checkpointNamespace(restore), restore.getSpec().checkpointName);
        Result<RestorePlan.Planned> wanted;
        if (restore.getSpec().image != null) {
            CheckpointImageInfo image;
            try {
                image = registries.inspect(restore.getSpec().image);
            } catch (IOException e) {
                return Optional.of(new Failure(
                        "ImageUnreadable",
                        "cannot read checkpoint image " + restore.getSpec().image + ": " + e.getMessage()));
            }
            wanted = RestorePlan.podFromImage(restore, image, observeNodes(restore));
        } else {
            wanted = RestorePlan.pod(restore, checkpoint, observeNodes(restore));
        }
        if (wanted.failed()) {
            return Optional.of(wanted.failure());
        }
        Pod pod = wanted.value().pod();
        RestorePlacement.Decision placement = wanted.value().placement();
        String namespace = pod.getMetadata().getNamespace();
        String name = pod.getMetadata().getName();
        Optional<Pod> existing = workloads.pod(namespace, name);
        if (existing.isPresent()) {
            if (!RestorePlan.ownedBy(existing.get(), restore)) {
                return Optional.of(new Failure(
                        "PodExists",
                        "a pod " + name + " not made by this Restore exists in namespace " + namespace
                                + " (name another with spec.podName)"));
            }
        } else {
            workloads.createPod(pod);
        }
        recorder.restoring(restore, name, placement);
        return Optional.empty();
    }

    /** The target node (or, without one, every node) and whether the pod-level API is served. */
    private RestorePlacement.Observed observeNodes(Restore restore) {
        String target = restore.getSpec().targetNode;
        boolean named = target != null && !target.isBlank();
        return new RestorePlacement.Observed(
                named ? workloads.node(target) : Optional.empty(),
                named ? List.of() : workloads.nodes(),
                workloads.servesApiGroup(PodLevelRestore.API_GROUP));
    }

    /** One look at a Restoring pod: running, failed, timed out, or look again soon. */
    private UpdateControl<Restore> follow(Restore restore) {
        RestoreStatus status = recorder.statusOf(restore);
        String namespace = restore.getMetadata().getNamespace();
        Optional<Pod> pod = workloads.pod(namespace, status.podName);
        if (pod.isEmpty()) {
            recorder.failed(
                    restore,
                    new Failure(
                            "PodDeleted", "pod " + namespace + "/" + status.podName + " was deleted before it ran"));
            return UpdateControl.patchStatus(restore);
        }
        if (status.nodeName == null && pod.get().getSpec().getNodeName() != null) {
            recorder.scheduled(restore, pod.get().getSpec().getNodeName());
        }
        RestorePlan.Progress progress = RestorePlan.progress(pod.get());
        switch (progress) {
            case RestorePlan.Progress.Running r -> {
                recorder.running(restore);
                return UpdateControl.patchStatus(restore);
            }
            case RestorePlan.Progress.Failed f -> {
                recorder.failed(restore, f.failure());
                return UpdateControl.patchStatus(restore);
            }
            case RestorePlan.Progress.Waiting w -> {
                if (recorder.age(restore).compareTo(TIMEOUT) > 0) {
                    recorder.failed(
                            restore,
                            new Failure(
                                    "RestoreTimeout",
                                    w.message() + " after " + TIMEOUT.toMinutes() + " minutes; giving up"));
                    return UpdateControl.patchStatus(restore);
                }
                recorder.waiting(restore, "Restoring", w.message());
                return UpdateControl.patchStatus(restore).rescheduleAfter(POLL);
            }
        }
    }
}
