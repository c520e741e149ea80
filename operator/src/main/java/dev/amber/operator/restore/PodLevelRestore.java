package dev.amber.operator.restore;

import dev.amber.operator.checkpoint.CheckpointPlan.Result;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.Map;

/**
 * Kubernetes' own pod-level restore (KEP-5823: a {@code PodCheckpoint} of {@code checkpoint.k8s.io} and Pod
 * {@code spec.restoreFrom}, gate {@code PodLevelCheckpointRestore}), the successor of restore through
 * CreateContainer. It is chosen where the API server serves {@code checkpoint.k8s.io} and no node can restore
 * through CreateContainer; but no release here ships it, so nothing has been tested against it, and this backend
 * refuses, saying so, rather than claim a restore it has never made. Its refusal carries why CreateContainer was not
 * possible, and how to enable it, which is what the user can act on today.
 *
 * @param createContainerRefusal why the nodes cannot restore through CreateContainer, with the remedy
 */
public record PodLevelRestore(String createContainerRefusal) implements RestoreBackend {
    /** The API group whose discovery means the cluster offers pod-level checkpoint/restore. */
    public static final String API_GROUP = "checkpoint.k8s.io";

    @Override
    public String name() {
        return "PodLevel";
    }

    @Override
    public Result<PodSpec> spec(PodSpec checkpointed, Map<String, String> images) {
        return Result.failed(
                "PodLevelUntested",
                createContainerRefusal + "; this cluster serves " + API_GROUP + " (Kubernetes' pod-level"
                        + " checkpoint/restore), which Amber detects but has not been tested with, so it does not"
                        + " restore through it yet");
    }
}
