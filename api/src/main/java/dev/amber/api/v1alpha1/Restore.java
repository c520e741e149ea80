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
 * A request to bring a checkpointed pod back, and its outcome: the operator creates a pod from a succeeded
 * {@link Checkpoint} (or one container from a checkpoint image) and restores its containers from the
 * archives, on the node the spec names or one the operator picks. The spec is immutable; to try again,
 * create a new Restore.
 */
@Group(CheckpointPolicy.GROUP)
@Version(CheckpointPolicy.VERSION)
@ShortNames("rst")
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Pod", jsonPath = ".status.podName", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Node", jsonPath = ".status.nodeName", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Backend", jsonPath = ".status.backend", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Age",
        jsonPath = ".metadata.creationTimestamp",
        type = AdditionalPrinterColumn.Type.DATE)
@AdditionalPrinterColumn(
        name = "Checkpoint",
        jsonPath = ".spec.checkpointName",
        type = AdditionalPrinterColumn.Type.STRING,
        priority = 1)
public class Restore extends CustomResource<RestoreSpec, RestoreStatus> implements Namespaced {
    private static final long serialVersionUID = 1L;

    /** Overridden to describe the spec and mark it required in the CRD: without a spec, its rules would not run. */
    @Override
    @Required
    @JsonPropertyDescription("What to restore (a Checkpoint or a checkpoint image) and where; immutable.")
    public RestoreSpec getSpec() {
        return super.getSpec();
    }

    /** Overridden to describe the status in the CRD. */
    @Override
    @JsonPropertyDescription("What became of the Restore; written by the operator.")
    public RestoreStatus getStatus() {
        return super.getStatus();
    }
}
