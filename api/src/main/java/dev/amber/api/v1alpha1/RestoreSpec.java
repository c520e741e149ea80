package dev.amber.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * What to restore and where. The source is either a Checkpoint ({@code checkpointName}, optionally in another
 * namespace) or a checkpoint image by digest, which restores one container; exactly one of the two is set.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = RestoreSpec.ONE_SOURCE_RULE, message = RestoreSpec.ONE_SOURCE_MESSAGE)
@ValidationRule(value = RestoreSpec.NAMESPACE_RULE, message = RestoreSpec.NAMESPACE_MESSAGE)
@ValidationRule(value = RestoreSpec.IMMUTABLE_RULE, message = RestoreSpec.IMMUTABLE_MESSAGE)
public class RestoreSpec {
    /** CEL: the source is a Checkpoint or an image, never both, never neither. */
    public static final String ONE_SOURCE_RULE = "has(self.checkpointName) != has(self.image)";

    public static final String ONE_SOURCE_MESSAGE = "exactly one of checkpointName and image must be set";

    /** CEL: a namespace without a Checkpoint name means nothing. */
    public static final String NAMESPACE_RULE = "!has(self.checkpointNamespace) || has(self.checkpointName)";

    public static final String NAMESPACE_MESSAGE = "checkpointNamespace is only allowed with checkpointName";

    /** CEL: an update may not change the spec (a transition rule, so it is not checked on create). */
    public static final String IMMUTABLE_RULE = CheckpointSpec.IMMUTABLE_RULE;

    public static final String IMMUTABLE_MESSAGE = "spec is immutable: create a new Restore to try again";

    /** A checkpoint image named by digest: {@code repository@sha256:<64 hex digits>}. */
    public static final String IMAGE_BY_DIGEST_PATTERN = "^[^@]+@sha256:[0-9a-f]{64}$";

    @Size(min = 1)
    @JsonPropertyDescription("Name of the Checkpoint to restore; it must have succeeded. Excludes image.")
    public String checkpointName;

    @Size(min = 1)
    @JsonPropertyDescription("Namespace of the Checkpoint; absent means the Restore's namespace.")
    public String checkpointNamespace;

    @Pattern(IMAGE_BY_DIGEST_PATTERN)
    @JsonPropertyDescription(
            "A checkpoint image by digest (repository@sha256:...) to restore one container from. Excludes"
                    + " checkpointName.")
    public String image;

    @JsonPropertyDescription("Node to restore on; absent means the operator picks one.")
    public String targetNode;

    @JsonPropertyDescription("Name of the restored pod; absent means the operator picks one (status.podName).")
    public String podName;

    @JsonPropertyDescription("Labels and annotations to set on the restored pod over those checkpointed.")
    public PodOverrides podOverrides;
}
