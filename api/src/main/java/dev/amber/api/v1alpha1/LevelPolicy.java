package dev.amber.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Quantity;

/**
 * The limits shared by container, pod and namespace policies. Absent limits are unlimited (as
 * upstream); {@code maxCheckpoints: 0} disables the policy's level for the archives it matches.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public abstract class LevelPolicy {
    /** Go-style durations (h, m, s) plus days, e.g. {@code 48h}, {@code 1h30m}, {@code 7d}. */
    public static final String DURATION_PATTERN = "^([0-9]+(d|h|m|s|ms))+$";

    @JsonPropertyDescription("Namespace the policy applies to.")
    public String namespace;

    @JsonPropertyDescription(
            "Labels the archive's pod must carry (pod labels from the cluster, else those recorded in the archive).")
    public LabelSelector selector;

    @JsonPropertyDescription("Keep archives whose pod (or container) no longer exists; default true.")
    public Boolean retainOrphan;

    @JsonPropertyDescription("Most archives at this level; 0 disables the level.")
    @Min(0)
    public Integer maxCheckpoints;

    @JsonPropertyDescription("Largest single archive, a quantity such as 4Gi.")
    public Quantity maxCheckpointSize;

    @JsonPropertyDescription("Largest total of the archives at this level.")
    public Quantity maxTotalSize;

    @JsonPropertyDescription("Oldest an archive may get, as a duration such as 90m, 48h or 7d.")
    @Pattern(DURATION_PATTERN)
    public String maxAge;
}
