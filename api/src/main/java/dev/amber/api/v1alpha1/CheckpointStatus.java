package dev.amber.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * What became of a Checkpoint: its phase, the node, one entry per checkpointed container, and the pod as it
 * was, which a {@link Restore} needs to recreate it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CheckpointStatus extends ResourceStatus {
    @JsonPropertyDescription("Pending, Running, Succeeded or Failed; Succeeded and Failed are final.")
    public CheckpointPhase phase;

    @JsonPropertyDescription("Node the pod ran on, whose agent took the checkpoint.")
    public String nodeName;

    @JsonPropertyDescription(
            "The CPU architecture of that node (its kubernetes.io/arch, e.g. amd64): a checkpoint is restored only"
                    + " on a node of the same architecture.")
    public String nodeArchitecture;

    @JsonPropertyDescription(
            "The uid of the pod as the checkpoint began: a pod of the same name made since (a StatefulSet's"
                    + " replacement) is another pod, and is not checkpointed in its place.")
    public String podUID;

    @JsonPropertyDescription("One entry per checkpointed container, in the order they were checkpointed.")
    public List<ContainerCheckpointStatus> containers = new ArrayList<>();

    @JsonPropertyDescription(
            "Seconds between the first and the last container's dump of a pod-level checkpoint: how far apart in"
                    + " time the containers' states are.")
    public Double containerSkewSeconds;

    @PreserveUnknownFields
    @SchemaFrom(type = Object.class)
    @JsonPropertyDescription(
            "The pod's labels, annotations and spec at checkpoint time (a PodTemplateSpec), which a Restore"
                    + " recreates the pod from.")
    public PodTemplateSpec podTemplate;

    @JsonPropertyDescription("When the node's agent started the checkpoint (RFC 3339).")
    public String startTime;

    @JsonPropertyDescription("When the Checkpoint succeeded or failed (RFC 3339).")
    public String completionTime;
}
