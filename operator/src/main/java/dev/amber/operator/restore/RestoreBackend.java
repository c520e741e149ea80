package dev.amber.operator.restore;

import dev.amber.operator.checkpoint.CheckpointPlan.Result;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.Map;

/**
 * One way a runtime brings checkpointed containers back: the seam between a Restore and the runtimes, whose
 * restore paths are changing (shared/notes/kubernetes-checkpointing.md). Each implementation turns the
 * checkpointed pod's spec into the spec of the pod that restores it; placement (which nodes can) is
 * decided before, from what each node's agent published ({@link RestorePlacement}).
 */
public sealed interface RestoreBackend permits CreateContainerRestore, PodLevelRestore {
    /** The name recorded in {@code status.backend} and matched against the nodes' label. */
    String name();

    /**
     * The restoring pod's spec, or why this backend cannot restore.
     *
     * @param checkpointed the pod's spec at checkpoint time (a copy: the backend may change it)
     * @param images each checkpointed container's checkpoint image, by digest
     */
    Result<PodSpec> spec(PodSpec checkpointed, Map<String, String> images);
}
