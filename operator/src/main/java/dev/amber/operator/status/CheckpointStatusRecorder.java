package dev.amber.operator.status;

import dev.amber.api.v1alpha1.Checkpoint;
import dev.amber.api.v1alpha1.CheckpointPhase;
import dev.amber.api.v1alpha1.CheckpointStatus;
import dev.amber.api.v1alpha1.ContainerCheckpointStatus;
import dev.amber.kube.agent.CheckpointOperation;
import dev.amber.operator.checkpoint.CheckpointPlan;
import dev.amber.operator.checkpoint.Failure;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place a Checkpoint's status is changed. Each method is one step of the phase machine
 * ({@link CheckpointPhase} lists the transitions): it refuses a transition the machine does not allow
 * (a controller bug, never a user's), keeps the {@code Ready} condition and {@code observedGeneration}
 * in step with the phase, and writes an Event and a log line, which name the resource, when the phase
 * changes. The controller then patches the status it holds.
 */
public final class CheckpointStatusRecorder {
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointStatusRecorder.class);

    private final Events events;
    private final OperatorMetrics metrics;
    private final Clock clock;

    public CheckpointStatusRecorder(Events events, OperatorMetrics metrics, Clock clock) {
        this.events = events;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** The status, created Pending when the resource has none yet. */
    public CheckpointStatus statusOf(Checkpoint checkpoint) {
        if (checkpoint.getStatus() == null) {
            CheckpointStatus status = new CheckpointStatus();
            status.phase = CheckpointPhase.Pending;
            checkpoint.setStatus(status);
        } else if (checkpoint.getStatus().phase == null) {
            checkpoint.getStatus().phase = CheckpointPhase.Pending;
        }
        return checkpoint.getStatus();
    }

    public void running(
            Checkpoint checkpoint,
            String node,
            String architecture,
            String podUid,
            PodTemplateSpec template,
            List<String> containers) {
        CheckpointStatus status = move(checkpoint, CheckpointPhase.Running);
        status.nodeName = node;
        status.nodeArchitecture = architecture;
        status.podUID = podUid;
        status.podTemplate = template;
        status.startTime = clock.instant().toString();
        status.containers = containers.stream()
                .map(name -> {
                    ContainerCheckpointStatus c = new ContainerCheckpointStatus();
                    c.name = name;
                    return c;
                })
                .toList();
        condition(checkpoint, false, "Running", "checkpointing " + String.join(", ", containers) + " on node " + node);
        announce(checkpoint, "Running", "checkpointing " + String.join(", ", containers) + " on node " + node, false);
    }

    /** The node's agent accepted one container's checkpoint: it is followed from now on, never asked for again. */
    public void operationStarted(Checkpoint checkpoint, String container) {
        ContainerCheckpointStatus c = container(checkpoint, container);
        if (c.operationStartedAt == null) {
            c.operationStartedAt = clock.instant().toString();
        }
    }

    /** The agent finished one container's checkpoint (and its export, if asked). */
    public void containerDone(Checkpoint checkpoint, String container, CheckpointOperation operation) {
        ContainerCheckpointStatus c = container(checkpoint, container);
        c.archivePath = operation.archivePath();
        c.archiveSize = operation.archiveSize();
        c.image = operation.image();
        c.dumpStatistics = operation.dumpStatistics();
        c.checkpointedAt = operation.checkpointedAt() != null
                ? operation.checkpointedAt()
                : clock.instant().toString();
        CheckpointStatus status = statusOf(checkpoint);
        // One container after another: a container's time runs from the previous one's end (or the start).
        Instant from = status.containers.stream()
                .filter(x -> x != c && x.checkpointedAt != null)
                .map(x -> Instant.parse(x.checkpointedAt))
                .max(Comparator.naturalOrder())
                .orElse(Instant.parse(status.startTime));
        metrics.containerCheckpointed(operation.image() != null, positive(Duration.between(from, clock.instant())));
    }

    /** Still running, but waiting on something outside (a busy container, an agent being replaced). */
    public void waiting(Checkpoint checkpoint, String reason, String message) {
        condition(checkpoint, false, reason, message);
    }

    public void succeeded(Checkpoint checkpoint) {
        CheckpointStatus status = move(checkpoint, CheckpointPhase.Succeeded);
        status.completionTime = clock.instant().toString();
        status.containerSkewSeconds = CheckpointPlan.skewSeconds(status.containers);
        String message = status.containers.size() + " container(s) checkpointed on node " + status.nodeName;
        condition(checkpoint, true, "Succeeded", message);
        announce(checkpoint, "Succeeded", message, false);
        metrics.checkpointFinished("Succeeded", took(status));
    }

    public void failed(Checkpoint checkpoint, Failure failure) {
        CheckpointStatus status = move(checkpoint, CheckpointPhase.Failed);
        status.completionTime = clock.instant().toString();
        condition(checkpoint, false, failure.reason(), failure.message());
        announce(checkpoint, failure.reason(), failure.message(), true);
        metrics.checkpointFailed(failure.reason());
        metrics.checkpointFinished("Failed", took(status));
    }

    /** Start to end; a Checkpoint refused before it started took no time of its own. */
    private Duration took(CheckpointStatus status) {
        return status.startTime == null
                ? Duration.ZERO
                : positive(Duration.between(Instant.parse(status.startTime), clock.instant()));
    }

    private static Duration positive(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }

    private CheckpointStatus move(Checkpoint checkpoint, CheckpointPhase next) {
        CheckpointStatus status = statusOf(checkpoint);
        if (!status.phase.canMoveTo(next)) {
            throw new IllegalStateException("a Checkpoint cannot move from " + status.phase + " to " + next);
        }
        status.phase = next;
        status.observedGeneration = checkpoint.getMetadata().getGeneration();
        return status;
    }

    private void condition(Checkpoint checkpoint, boolean ready, String reason, String message) {
        StatusNotes.ready(checkpoint, statusOf(checkpoint), ready, reason, message, clock.instant());
    }

    /** Time since the Checkpoint was created (zero when the API server gave it no timestamp). */
    public Duration age(Checkpoint checkpoint) {
        return StatusNotes.age(checkpoint, clock);
    }

    /** A deleted Checkpoint's archives and images were deleted, or some were left (a Warning names them). */
    public void artifactsDeleted(Checkpoint checkpoint, List<String> deleted, List<String> kept) {
        if (!deleted.isEmpty()) {
            announce(checkpoint, "Deleted", "deleted " + String.join(", ", deleted), false);
        }
        if (!kept.isEmpty()) {
            announce(checkpoint, "Kept", "left in place: " + String.join("; ", kept), true);
        }
    }

    private ContainerCheckpointStatus container(Checkpoint checkpoint, String container) {
        return statusOf(checkpoint).containers.stream()
                .filter(x -> x.name.equals(container))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no container " + container + " in the status"));
    }

    private void announce(Checkpoint checkpoint, String reason, String message, boolean warning) {
        StatusNotes.announce(events, LOG, checkpoint, reason, message, warning);
    }
}
