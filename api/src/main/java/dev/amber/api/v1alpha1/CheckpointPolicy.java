package dev.amber.api.v1alpha1;

import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * How long checkpoint archives are kept on every node, and which are exported before they go.
 * Cluster-scoped: one policy governs the checkpoint directory of every node whose agent is told to
 * follow it. The spec uses the field names of the upstream checkpoint-restore-operator so that an
 * upstream spec can be copied across unchanged.
 */
@Group(CheckpointPolicy.GROUP)
@Version(CheckpointPolicy.VERSION)
@ShortNames("cpol")
public class CheckpointPolicy extends CustomResource<CheckpointPolicySpec, CheckpointPolicyStatus> {
    public static final String GROUP = "amber.dev";
    public static final String VERSION = "v1alpha1";

    private static final long serialVersionUID = 1L;
}
