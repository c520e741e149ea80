package dev.amber.operator.status;

import dev.amber.api.v1alpha1.Restore;
import dev.amber.api.v1alpha1.RestorePhase;
import dev.amber.api.v1alpha1.RestoreStatus;
import dev.amber.operator.checkpoint.Failure;
import dev.amber.operator.restore.RestorePlacement;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place a Restore's status is changed. Each method is one step of the phase machine
 * ({@link RestorePhase} lists the transitions): it refuses a transition the machine does not allow (a
 * controller bug), keeps the {@code Ready} condition and {@code observedGeneration} in step with the
 * phase, writes an Event and a log line when the phase changes, and records the metrics of a finished
 * Restore. The controller then patches the status it holds.
 */
public final class RestoreStatusRecorder {
    private static final Logger LOG = LoggerFactory.getLogger(RestoreStatusRecorder.class);

    private final Events events;
    private final OperatorMetrics metrics;
    private final Clock clock;

    public RestoreStatusRecorder(Events events, OperatorMetrics metrics, Clock clock) {
        this.events = events;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** The status, created Pending when the resource has none yet. */
    public RestoreStatus statusOf(Restore restore) {
        if (restore.getStatus() == null) {
            RestoreStatus status = new RestoreStatus();
            status.phase = RestorePhase.Pending;
            restore.setStatus(status);
        } else if (restore.getStatus().phase == null) {
            restore.getStatus().phase = RestorePhase.Pending;
        }
        return restore.getStatus();
    }

    /** The pod exists (created or adopted); its containers are being restored. */
    public void restoring(Restore restore, String pod, RestorePlacement.Decision placement) {
        RestoreStatus status = move(restore, RestorePhase.Restoring);
        status.podName = pod;
        status.nodeName = placement.nodeName();
        status.backend = placement.backend().name();
        String message = "restoring pod " + pod + " through " + status.backend
                + (placement.nodeName() != null
                        ? " on node " + placement.nodeName()
                        : " on a node the scheduler picks among " + placement.candidates() + " that can restore");
        condition(restore, false, "Restoring", message);
        announce(restore, "Restoring", message, false);
    }

    /** The scheduler placed a pod that was not pinned to a node. */
    public void scheduled(Restore restore, String node) {
        statusOf(restore).nodeName = node;
    }

    /** Still restoring; the condition says what it waits for. */
    public void waiting(Restore restore, String reason, String message) {
        condition(restore, false, reason, message);
    }

    public void running(Restore restore) {
        RestoreStatus status = move(restore, RestorePhase.Running);
        Duration took = age(restore);
        status.timeToRunningSeconds = took.toMillis() / 1000.0;
        String message = "pod " + status.podName + " is running on node " + status.nodeName + " after "
                + status.timeToRunningSeconds + " s";
        condition(restore, true, "Running", message);
        announce(restore, "Running", message, false);
        metrics.restoreFinished("Running", took);
    }

    public void failed(Restore restore, Failure failure) {
        move(restore, RestorePhase.Failed);
        condition(restore, false, failure.reason(), failure.message());
        announce(restore, failure.reason(), failure.message(), true);
        metrics.restoreFailed(failure.reason());
        metrics.restoreFinished("Failed", age(restore));
    }

    /** Time since the Restore was created (zero when the API server gave it no timestamp). */
    public Duration age(Restore restore) {
        return StatusNotes.age(restore, clock);
    }

    private RestoreStatus move(Restore restore, RestorePhase next) {
        RestoreStatus status = statusOf(restore);
        if (!status.phase.canMoveTo(next)) {
            throw new IllegalStateException("a Restore cannot move from " + status.phase + " to " + next);
        }
        status.phase = next;
        status.observedGeneration = restore.getMetadata().getGeneration();
        return status;
    }

    private void condition(Restore restore, boolean ready, String reason, String message) {
        StatusNotes.ready(restore, statusOf(restore), ready, reason, message, clock.instant());
    }

    private void announce(Restore restore, String reason, String message, boolean warning) {
        StatusNotes.announce(events, LOG, restore, reason, message, warning);
    }
}
