package dev.amber.operator.restore;

import dev.amber.api.v1alpha1.RuntimeCapability;
import dev.amber.operator.checkpoint.CheckpointPlan.Result;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.Map;

/**
 * Each container created from its checkpoint image, pinned by digest: containerd (2.1 - 2.3, with
 * {@code enable_experimental_restore_via_create}) and CRI-O ({@code checkpoint_restore}) restore a container
 * whose image is a checkpoint image. Tested on the local cluster (containerd 2.3.7) and on CRI-O.
 */
public final class CreateContainerRestore implements RestoreBackend {
    public static final CreateContainerRestore INSTANCE = new CreateContainerRestore();

    private CreateContainerRestore() {}

    @Override
    public String name() {
        return RuntimeCapability.CREATE_CONTAINER;
    }

    @Override
    public Result<PodSpec> spec(PodSpec checkpointed, Map<String, String> images) {
        for (Container container : checkpointed.getContainers()) {
            String image = images.get(container.getName());
            if (image != null) {
                container.setImage(image);
                // By digest: what is present is exactly what was pushed, so a pull is needed at most once.
                container.setImagePullPolicy("IfNotPresent");
            }
        }
        return Result.ok(checkpointed);
    }
}
