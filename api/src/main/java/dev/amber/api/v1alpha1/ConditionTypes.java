package dev.amber.api.v1alpha1;

/**
 * The condition types of amber.dev statuses. There is one, {@link #READY}, as in Strimzi: a single condition
 * that {@code kubectl wait --for=condition=Ready} can wait on, rather than a separate {@code Failed} condition
 * that would have to be kept consistent with it. It is {@code True} once a Checkpoint has succeeded or a
 * Restore's pod is running, and {@code False} otherwise; its {@code reason} says why (the phase while the
 * work is under way, the cause once it has failed, e.g. {@code PodNotFound}) and its {@code message}
 * gives the detail. The phase in the status remains the state machine; the condition is its summary.
 */
public final class ConditionTypes {
    /** True when the resource reached its goal: Checkpoint {@code Succeeded}, Restore {@code Running}. */
    public static final String READY = "Ready";

    private ConditionTypes() {}
}
