package dev.amber.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/**
 * Which pod (and which of its containers) to checkpoint, whether to export it, and what deletion does. Every
 * optional field stays {@code null} (absent) unless set: the spec is immutable ({@code self == oldSelf}), so a
 * client that reads a Checkpoint and writes it back must not add fields, such as an empty list, that the
 * stored spec did not have.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = CheckpointSpec.IMMUTABLE_RULE, message = CheckpointSpec.IMMUTABLE_MESSAGE)
public class CheckpointSpec {
    /** CEL: an update may not change the spec (a transition rule, so it is not checked on create). */
    public static final String IMMUTABLE_RULE = "self == oldSelf";

    public static final String IMMUTABLE_MESSAGE = "spec is immutable: create a new Checkpoint to try again";

    @Required
    @Size(min = 1)
    @JsonPropertyDescription("Name of the pod to checkpoint, in the Checkpoint's namespace.")
    public String podName;

    @JsonPropertyDescription(
            "Containers of the pod to checkpoint; absent or empty means every container, a pod-level checkpoint"
                    + " taken one container after another and recorded as one.")
    public List<String> containers;

    @Min(1)
    @JsonPropertyDescription(
            "Seconds the checkpoint may take, from acceptance by the node's agent, before it fails; absent means"
                    + " the operator's default.")
    public Integer timeoutSeconds;

    @JsonPropertyDescription("Push the archives to a registry as checkpoint images; absent means no export.")
    public CheckpointExport export;

    @Default("Retain")
    @JsonPropertyDescription(
            "Retain (the default) keeps the archives and image when the Checkpoint is deleted; Delete deletes"
                    + " them first, behind a finalizer.")
    public DeletionPolicy deletionPolicy;
}
