package dev.amber.operator.checkpoint;

import dev.amber.api.v1alpha1.Checkpoint;
import dev.amber.api.v1alpha1.CheckpointPhase;
import dev.amber.api.v1alpha1.CheckpointStatus;
import dev.amber.api.v1alpha1.ContainerCheckpointStatus;
import dev.amber.api.v1alpha1.DeletionPolicy;
import dev.amber.api.v1alpha1.RuntimeCapability;
import dev.amber.errors.OneLine;
import dev.amber.kube.agent.AgentClient;
import dev.amber.kube.agent.AgentException;
import dev.amber.kube.agent.CheckpointOperation;
import dev.amber.operator.OperatorSettings;
import dev.amber.operator.cluster.ApiErrors;
import dev.amber.operator.cluster.NodeAgents;
import dev.amber.operator.cluster.NodeCapabilities;
import dev.amber.operator.cluster.Registries;
import dev.amber.operator.cluster.Workloads;
import dev.amber.operator.status.CheckpointStatusRecorder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Takes a Checkpoint through its phases: observe the pod, validate what the spec asks of it, then
 * have the pod's node agent checkpoint each container in turn, recording every outcome through
 * {@link CheckpointStatusRecorder}. Work under way is followed by polling only while a Checkpoint is
 * Running; a finished one (Succeeded or Failed) costs nothing.
 *
 * <p>Restart-safe: the agent knows each container's operation by an id derived from the Checkpoint's
 * uid, so after an operator restart or a leader change the next reconcile finds the operation already
 * under way instead of checkpointing the container again. The agent refuses a second operation on a
 * container that has one running, so two Checkpoints of one container are taken one after the other.
 */
// A Running Checkpoint is rescheduled by itself; the bound only matters when a status patch was lost.
// Every event reaches reconcile, deletions included, so that the finalizer is this controller's to add where it is
// needed (deletionPolicy Delete) and nowhere else: a Retain Checkpoint never waits on a running operator to go.
@ControllerConfiguration(
        name = "checkpoint",
        triggerReconcilerOnAllEvents = true,
        maxReconciliationInterval = @MaxReconciliationInterval(interval = 5, timeUnit = TimeUnit.MINUTES))
public final class CheckpointReconciler implements Reconciler<Checkpoint> {
    /** Holds a Checkpoint with deletionPolicy Delete until what it produced is deleted ({@link CheckpointDeletion}). */
    public static final String FINALIZER = "amber.dev/delete-artifacts";

    /** How often a Running checkpoint's operation is looked at: short, since a dump takes seconds. */
    static final Duration POLL = Duration.ofSeconds(1);
    /** How long to wait before trying again when the container or the node's agent is busy or away. */
    static final Duration WAIT = Duration.ofSeconds(3);
    /** How long a new Checkpoint waits for a node's agent that is there but not Ready (starting, restarting). */
    static final Duration AGENT_GRACE = Duration.ofMinutes(2);

    private final Workloads workloads;
    private final NodeAgents agents;
    private final CheckpointStatusRecorder recorder;
    private final OperatorSettings settings;
    private final Clock clock;
    private final CheckpointDeletion deletion;

    public CheckpointReconciler(
            Workloads workloads,
            NodeAgents agents,
            Registries registries,
            CheckpointStatusRecorder recorder,
            OperatorSettings settings,
            Clock clock) {
        this.workloads = workloads;
        this.agents = agents;
        this.recorder = recorder;
        this.settings = settings;
        this.clock = clock;
        this.deletion = new CheckpointDeletion(workloads, agents, registries);
    }

    @Override
    public UpdateControl<Checkpoint> reconcile(Checkpoint checkpoint, Context<Checkpoint> context) {
        if (context != null && context.isPrimaryResourceDeleted()) {
            // Gone. A final state seen after a watch gap may still show the finalizer (a person may have removed it
            // to let the Checkpoint go without deleting anything): nothing is done with it.
            return UpdateControl.noUpdate();
        }
        if (checkpoint.isMarkedForDeletion()) {
            return deleting(checkpoint);
        }
        if (checkpoint.getSpec().deletionPolicy == DeletionPolicy.Delete && !checkpoint.hasFinalizer(FINALIZER)) {
            // Before any archive exists, so that none can outlive a Checkpoint deleted in the meantime. The
            // resourceVersion the patch returns is carried on: the status is written with this object later in this
            // reconcile, and an older resourceVersion would make the API server refuse that write (409).
            Checkpoint held = workloads.addFinalizer(checkpoint, FINALIZER);
            checkpoint.getMetadata().setResourceVersion(held.getMetadata().getResourceVersion());
            checkpoint.getMetadata().setFinalizers(held.getMetadata().getFinalizers());
        }
        CheckpointStatus status = recorder.statusOf(checkpoint);
        if (status.phase.terminal()) {
            return UpdateControl.noUpdate();
        }
        if (status.phase == CheckpointPhase.Pending) {
            Optional<Failure> refused;
            try {
                refused = start(checkpoint);
            } catch (AgentNotReadyException e) {
                recorder.waiting(checkpoint, "AgentNotReady", e.getMessage() + "; waiting for it");
                return UpdateControl.patchStatus(checkpoint).rescheduleAfter(WAIT);
            }
            if (refused.isPresent()) {
                recorder.failed(checkpoint, refused.get());
                return UpdateControl.patchStatus(checkpoint);
            }
        }
        return advance(checkpoint);
    }

    /**
     * An unexpected error. The API server unavailable or throttling (no answer, 429, 5xx) is waited out without
     * spending JOSDK's retries: a Running Checkpoint still ends at its deadline ({@link CheckpointPlan#overdue}).
     * Anything else (a bug, a refusal) is retried with JOSDK's backoff, and the condition says so; after the last
     * retry the Checkpoint fails, naming the error, rather than staying Running.
     */
    @Override
    public ErrorStatusUpdateControl<Checkpoint> updateErrorStatus(
            Checkpoint checkpoint, Context<Checkpoint> context, Exception error) {
        CheckpointStatus status = recorder.statusOf(checkpoint);
        if (status.phase.terminal()) {
            return ErrorStatusUpdateControl.noStatusUpdate();
        }
        if (ApiErrors.transientFailure(error)) {
            recorder.waiting(checkpoint, "ApiServerUnavailable", OneLine.of(error));
            return ErrorStatusUpdateControl.patchStatus(checkpoint).rescheduleAfter(WAIT);
        }
        boolean last = context.getRetryInfo().map(r -> r.isLastAttempt()).orElse(false);
        if (last) {
            recorder.failed(checkpoint, new Failure("ReconcileError", OneLine.of(error)));
            return ErrorStatusUpdateControl.patchStatus(checkpoint).withNoRetry();
        }
        recorder.waiting(checkpoint, "Retrying", OneLine.of(error));
        return ErrorStatusUpdateControl.patchStatus(checkpoint);
    }

    /**
     * Validates the spec against the pod and the node's agent; on success the Checkpoint is Running.
     *
     * @throws AgentNotReadyException when the node's agent exists but is not Ready yet, within {@link #AGENT_GRACE}
     */
    private Optional<Failure> start(Checkpoint checkpoint) throws AgentNotReadyException {
        String namespace = checkpoint.getMetadata().getNamespace();
        Optional<Pod> pod = workloads.pod(namespace, checkpoint.getSpec().podName);
        if (pod.isEmpty()) {
            return Optional.of(new Failure(
                    "PodNotFound", "no pod " + checkpoint.getSpec().podName + " in namespace " + namespace));
        }
        CheckpointPlan.Result<List<String>> containers = CheckpointPlan.containers(checkpoint.getSpec(), pod.get());
        if (containers.failed()) {
            return Optional.of(containers.failure());
        }
        for (String container : containers.value()) {
            CheckpointPlan.Result<String> reference = CheckpointPlan.exportReference(
                    checkpoint, container, containers.value().size(), settings);
            if (reference.failed()) {
                return Optional.of(reference.failure());
            }
        }
        String node = pod.get().getSpec().getNodeName();
        try {
            agents.onNode(node);
        } catch (AgentException e) {
            if (e.transientFailure() && recorder.age(checkpoint).compareTo(AGENT_GRACE) < 0) {
                throw new AgentNotReadyException(e.getMessage());
            }
            return Optional.of(new Failure("NoAgentOnNode", e.getMessage()));
        }
        Optional<Node> observed = workloads.node(node);
        Optional<RuntimeCapability> runtime = observed.flatMap(NodeCapabilities::of);
        if (runtime.isPresent() && !runtime.get().checkpoint()) {
            RuntimeCapability cannot = runtime.get();
            return Optional.of(new Failure(
                    "RuntimeCannotCheckpoint",
                    "the runtime of node " + node + " cannot checkpoint: " + cannot.checkpointReason()
                            + (cannot.remedy() == null ? "" : "; to enable it, " + cannot.remedy())));
        }
        recorder.running(
                checkpoint,
                node,
                observed.map(CheckpointPlan::architecture).orElse(null),
                pod.get().getMetadata().getUid(),
                CheckpointPlan.podTemplate(pod.get()),
                containers.value());
        return Optional.empty();
    }

    /** One step of a Running checkpoint: follow the container under way, start the next, or finish. */
    private UpdateControl<Checkpoint> advance(Checkpoint checkpoint) {
        CheckpointStatus status = recorder.statusOf(checkpoint);
        Optional<Failure> late = CheckpointPlan.overdue(checkpoint, clock.instant(), settings);
        if (late.isPresent()) {
            recorder.failed(checkpoint, late.get());
            return UpdateControl.patchStatus(checkpoint);
        }
        AgentClient agent;
        try {
            agent = agents.onNode(status.nodeName);
        } catch (AgentException e) {
            recorder.waiting(checkpoint, "AgentUnavailable", e.getMessage());
            return UpdateControl.patchStatus(checkpoint).rescheduleAfter(WAIT);
        }
        Optional<ContainerCheckpointStatus> next;
        while ((next = CheckpointPlan.nextContainer(status.containers)).isPresent()) {
            String container = next.get().name;
            CheckpointOperation operation;
            try {
                operation = operation(checkpoint, agent, container);
            } catch (AgentException e) {
                if (e.busy() || e.transientFailure()) {
                    recorder.waiting(checkpoint, e.busy() ? "ContainerBusy" : "AgentUnavailable", e.getMessage());
                    return UpdateControl.patchStatus(checkpoint).rescheduleAfter(WAIT);
                }
                recorder.failed(checkpoint, new Failure("AgentRefused", e.getMessage()));
                return UpdateControl.patchStatus(checkpoint);
            } catch (PushSecretException e) {
                recorder.failed(checkpoint, new Failure("PushSecretInvalid", e.getMessage()));
                return UpdateControl.patchStatus(checkpoint);
            } catch (OperationLostException e) {
                recorder.failed(checkpoint, new Failure("OperationLost", e.getMessage()));
                return UpdateControl.patchStatus(checkpoint);
            } catch (PodReplacedException e) {
                recorder.failed(checkpoint, e.failure);
                return UpdateControl.patchStatus(checkpoint);
            }
            switch (operation.state()) {
                case RUNNING -> {
                    recorder.waiting(
                            checkpoint,
                            "Running",
                            "checkpointing container " + container + " on node " + status.nodeName);
                    return UpdateControl.patchStatus(checkpoint).rescheduleAfter(POLL);
                }
                case FAILED -> {
                    recorder.failed(
                            checkpoint,
                            new Failure(
                                    operation.reason() == null ? "CheckpointFailed" : operation.reason(),
                                    "container " + container + ": " + operation.message()));
                    return UpdateControl.patchStatus(checkpoint);
                }
                case SUCCEEDED -> recorder.containerDone(checkpoint, container, operation);
                default -> throw new IllegalStateException("unknown operation state " + operation.state());
            }
        }
        recorder.succeeded(checkpoint);
        return UpdateControl.patchStatus(checkpoint);
    }

    /**
     * A Checkpoint being deleted that holds the finalizer: a checkpoint under way is finished first (the container
     * being dumped, no other), so that no archive appears after the deletion; then what it produced is deleted and
     * the finalizer removed.
     */
    private UpdateControl<Checkpoint> deleting(Checkpoint checkpoint) {
        if (!checkpoint.hasFinalizer(FINALIZER)) {
            return UpdateControl.noUpdate();
        }
        CheckpointStatus status = recorder.statusOf(checkpoint);
        if (status.phase == CheckpointPhase.Running) {
            Optional<UpdateControl<Checkpoint>> underWay = finishBeforeDeletion(checkpoint, status);
            if (underWay.isPresent()) {
                return underWay.get();
            }
        }
        CheckpointDeletion.Outcome outcome = deletion.delete(checkpoint);
        if (outcome instanceof CheckpointDeletion.Outcome.Retry retry) {
            recorder.waiting(
                    checkpoint,
                    retry.reason(),
                    retry.message() + " (trying again; removing the finalizer " + FINALIZER
                            + " lets the Checkpoint go without deleting them)");
            return UpdateControl.patchStatus(checkpoint).rescheduleAfter(WAIT);
        }
        CheckpointDeletion.Outcome.Done done = (CheckpointDeletion.Outcome.Done) outcome;
        recorder.artifactsDeleted(checkpoint, done.deleted(), done.kept());
        workloads.removeFinalizer(checkpoint, FINALIZER);
        return UpdateControl.noUpdate();
    }

    /**
     * Waits for the container being dumped as the Checkpoint is deleted, records it, and ends the Checkpoint as
     * Failed (its other containers are not dumped); empty once nothing is under way.
     */
    private Optional<UpdateControl<Checkpoint>> finishBeforeDeletion(Checkpoint checkpoint, CheckpointStatus status) {
        Optional<ContainerCheckpointStatus> next = CheckpointPlan.nextContainer(status.containers);
        if (next.isPresent()) {
            try {
                Optional<CheckpointOperation> operation =
                        agents.onNode(status.nodeName).find(CheckpointPlan.operationId(checkpoint, next.get().name));
                if (operation.isPresent() && operation.get().state() == CheckpointOperation.State.RUNNING) {
                    recorder.waiting(
                            checkpoint,
                            "Deleting",
                            "finishing container " + next.get().name + " before deleting what the Checkpoint produced");
                    return Optional.of(UpdateControl.patchStatus(checkpoint).rescheduleAfter(POLL));
                }
                if (operation.isPresent() && operation.get().state() == CheckpointOperation.State.SUCCEEDED) {
                    recorder.containerDone(checkpoint, next.get().name, operation.get());
                }
            } catch (AgentException e) {
                if (e.transientFailure() && workloads.node(status.nodeName).isPresent()) {
                    recorder.waiting(checkpoint, "AgentUnavailable", e.getMessage());
                    return Optional.of(UpdateControl.patchStatus(checkpoint).rescheduleAfter(WAIT));
                }
            }
        }
        recorder.failed(checkpoint, new Failure("Deleted", "deleted before every container was checkpointed"));
        return Optional.empty();
    }

    /** The container's operation as the agent knows it, started now if it knows none. */
    private CheckpointOperation operation(Checkpoint checkpoint, AgentClient agent, String container)
            throws AgentException, PushSecretException, OperationLostException, PodReplacedException {
        Optional<CheckpointOperation> known = agent.find(CheckpointPlan.operationId(checkpoint, container));
        if (known.isPresent()) {
            return known.get();
        }
        Optional<Failure> replaced = CheckpointPlan.replaced(
                recorder.statusOf(checkpoint),
                workloads.pod(checkpoint.getMetadata().getNamespace(), checkpoint.getSpec().podName));
        if (replaced.isPresent()) {
            throw new PodReplacedException(replaced.get());
        }
        Optional<String> accepted = recorder.statusOf(checkpoint).containers.stream()
                .filter(c -> c.name.equals(container) && c.operationStartedAt != null)
                .map(c -> c.operationStartedAt)
                .findFirst();
        if (accepted.isPresent()) {
            // Asking again would dump the container a second time, unasked; what the first dump left stays.
            throw new OperationLostException("the agent on node " + recorder.statusOf(checkpoint).nodeName
                    + " no longer knows the checkpoint of container " + container + " it accepted at "
                    + accepted.get() + " (it restarted, or forgot it after an hour); not asking for a second one:"
                    + " create a new Checkpoint");
        }
        int containers = recorder.statusOf(checkpoint).containers.size();
        String reference = CheckpointPlan.exportReference(checkpoint, container, containers, settings)
                .value();
        String secret = checkpoint.getSpec().export == null ? null : checkpoint.getSpec().export.pushSecretName;
        String credentials;
        try {
            credentials = secret == null || reference == null
                    ? null
                    : workloads.dockerConfigJson(checkpoint.getMetadata().getNamespace(), secret);
        } catch (IllegalArgumentException e) {
            throw new PushSecretException(e.getMessage());
        }
        CheckpointOperation started =
                agent.start(CheckpointPlan.request(checkpoint, container, reference, credentials, settings));
        recorder.operationStarted(checkpoint, container);
        return started;
    }

    /** The pod a Checkpoint began with is gone, or another of its name stands in its place. */
    private static final class PodReplacedException extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient Failure failure;

        PodReplacedException(Failure failure) {
            super(failure.message());
            this.failure = failure;
        }
    }

    /** The node's agent is there but not Ready. */
    private static final class AgentNotReadyException extends Exception {
        private static final long serialVersionUID = 1L;

        AgentNotReadyException(String message) {
            super(message);
        }
    }

    /** The node's agent forgot a container's checkpoint it had accepted. */
    private static final class OperationLostException extends Exception {
        private static final long serialVersionUID = 1L;

        OperationLostException(String message) {
            super(message);
        }
    }

    /** The push Secret a Checkpoint names cannot be used (missing, or not a dockerconfigjson). */
    private static final class PushSecretException extends Exception {
        private static final long serialVersionUID = 1L;

        PushSecretException(String message) {
            super(message);
        }
    }
}
