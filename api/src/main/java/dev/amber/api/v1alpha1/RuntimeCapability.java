package dev.amber.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What a node's container runtime can do with checkpoints, as the node's agent read it from the runtime
 * itself (CRI {@code Version} and {@code Status}, and CRI-O's own configuration), published on the agent's
 * Node: this record as JSON in the annotation {@link #ANNOTATION}, for people and for the operator's messages,
 * and {@link #restoreBackend} in the label {@link #RESTORE_LABEL}, so that a restored pod can be scheduled
 * onto the nodes that can restore it.
 *
 * <p>Invariant: {@code restoreBackend} is {@link #NO_RESTORE} exactly when {@code restoreReason} says why,
 * and then {@code remedy} says how to enable it where that is possible.
 *
 * @param runtime the runtime's CRI name ({@code containerd}, {@code cri-o})
 * @param runtimeVersion the runtime's version, as it reports it
 * @param checkpoint whether the runtime checkpoints containers (the kubelet's checkpoint API)
 * @param checkpointReason why it does not, when it does not
 * @param restoreBackend {@link #CREATE_CONTAINER} or {@link #NO_RESTORE}
 * @param restoreReason why the runtime cannot restore, when it cannot
 * @param remedy how to enable what is off, when something is and it can be turned on
 * @param observedAt when the agent asked the runtime (RFC 3339)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RuntimeCapability(
        String runtime,
        String runtimeVersion,
        boolean checkpoint,
        String checkpointReason,
        String restoreBackend,
        String restoreReason,
        String remedy,
        String observedAt) {
    /** The Node annotation holding this record as JSON. */
    public static final String ANNOTATION = "amber.dev/runtime-capability";
    /** The Node label holding {@link #restoreBackend}. */
    public static final String RESTORE_LABEL = "amber.dev/restore-backend";
    /** A container is restored by creating it from its checkpoint image (containerd, CRI-O). */
    public static final String CREATE_CONTAINER = "CreateContainer";
    /** The runtime cannot restore. */
    public static final String NO_RESTORE = "None";

    /** Whether a container can be restored on the node. */
    public boolean canRestore() {
        return CREATE_CONTAINER.equals(restoreBackend);
    }
}
