package dev.amber.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A request to checkpoint one pod of the Checkpoint's namespace with CRIU, and its outcome: the operator hands
 * the work to the agent on the pod's node, which dumps the containers into archives on the node and, if asked,
 * exports them to a registry as checkpoint images. The spec is immutable; to try again, create a new
 * Checkpoint. A succeeded Checkpoint is what a {@link Restore} names.
 */
@Group(CheckpointPolicy.GROUP)
@Version(CheckpointPolicy.VERSION)
@ShortNames("ckpt")
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Pod", jsonPath = ".spec.podName", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Node", jsonPath = ".status.nodeName", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Age",
        jsonPath = ".metadata.creationTimestamp",
        type = AdditionalPrinterColumn.Type.DATE)
public class Checkpoint extends CustomResource<CheckpointSpec, CheckpointStatus> implements Namespaced {
    private static final long serialVersionUID = 1L;

    /** Overridden to describe the spec and mark it required in the CRD: without a spec, its rules would not run. */
    @Override
    @Required
    @JsonPropertyDescription(
            "Which pod to checkpoint, whether to export it, and what deleting the Checkpoint does; immutable.")
    public CheckpointSpec getSpec() {
        return super.getSpec();
    }

    /** Overridden to describe the status in the CRD. */
    @Override
    @JsonPropertyDescription("What became of the Checkpoint; written by the operator.")
    public CheckpointStatus getStatus() {
        return super.getStatus();
    }
}
