package dev.amber.api.v1alpha1;

import java.util.Objects;

/**
 * Where a Checkpoint is in its life, as Strimzi's {@code KafkaRebalanceState} models a rebalance. The allowed
 * transitions, besides staying in the same phase:
 *
 * <ul>
 *   <li>{@code Pending} → {@code Running}: the agent on the pod's node accepted the work;
 *   <li>{@code Pending} → {@code Failed}: validation failed (no such pod, a container not running, a node
 *       without an agent, ...);
 *   <li>{@code Running} → {@code Succeeded}: every requested container was checkpointed (and exported, if
 *       asked);
 *   <li>{@code Running} → {@code Failed}: the dump, the export or the timeout failed it, or the Checkpoint was
 *       deleted (with deletionPolicy Delete) before every container was dumped.
 * </ul>
 *
 * {@code Succeeded} and {@code Failed} are terminal: a Checkpoint is never retried, a new one is created.
 */
public enum CheckpointPhase {
    /** Accepted by the API server, not yet handed to a node's agent. */
    Pending,
    /** The node's agent is checkpointing the containers. */
    Running,
    /** Every requested container is checkpointed; the status lists the archives (and images). */
    Succeeded,
    /** The checkpoint could not be taken; the Ready condition's reason and message say why. */
    Failed;

    /** Whether a Checkpoint in this phase may move to {@code next}; staying in the same phase is allowed. */
    public boolean canMoveTo(CheckpointPhase next) {
        Objects.requireNonNull(next, "next");
        if (next == this) {
            return true;
        }
        return switch (this) {
            case Pending -> next == Running || next == Failed;
            case Running -> next == Succeeded || next == Failed;
            case Succeeded, Failed -> false;
        };
    }

    /** Whether this phase is final: no transition leaves it. */
    public boolean terminal() {
        return this == Succeeded || this == Failed;
    }
}
