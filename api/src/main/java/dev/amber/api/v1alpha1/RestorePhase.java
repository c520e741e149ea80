package dev.amber.api.v1alpha1;

import java.util.Objects;

/**
 * Where a Restore is in its life, as Strimzi's {@code KafkaRebalanceState} models a rebalance. The allowed
 * transitions, besides staying in the same phase:
 *
 * <ul>
 *   <li>{@code Pending} → {@code Restoring}: the pod was created;
 *   <li>{@code Pending} → {@code Failed}: validation failed (no such Checkpoint, a Checkpoint that has not
 *       succeeded, an image without a digest, ...);
 *   <li>{@code Restoring} → {@code Running}: every container was restored and is running;
 *   <li>{@code Restoring} → {@code Failed}: a container could not be restored.
 * </ul>
 *
 * {@code Running} and {@code Failed} are terminal: what becomes of the pod afterwards is the pod's own
 * status, and a failed Restore is never retried, a new one is created.
 */
public enum RestorePhase {
    /** Accepted by the API server, no pod created yet. */
    Pending,
    /** The pod exists and its containers are being restored. */
    Restoring,
    /** Every container was restored and is running. */
    Running,
    /** The restore could not be done; the Ready condition's reason and message say why. */
    Failed;

    /** Whether a Restore in this phase may move to {@code next}; staying in the same phase is allowed. */
    public boolean canMoveTo(RestorePhase next) {
        Objects.requireNonNull(next, "next");
        if (next == this) {
            return true;
        }
        return switch (this) {
            case Pending -> next == Restoring || next == Failed;
            case Restoring -> next == Running || next == Failed;
            case Running, Failed -> false;
        };
    }

    /** Whether this phase is final: no transition leaves it. */
    public boolean terminal() {
        return this == Running || this == Failed;
    }
}
