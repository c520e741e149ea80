package dev.amber.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.kubernetes.api.model.Quantity;

/**
 * Limits applied at all three levels at once to archives that no specific policy matches. A count of
 * 0 disables that level, as upstream does; absent fields take upstream's defaults.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GlobalPolicy {
    @JsonPropertyDescription("Keep archives whose pod (or container) no longer exists; default true.")
    public Boolean retainOrphan;

    @JsonPropertyDescription("Most archives per namespace; default 30, 0 disables the namespace level.")
    @Min(0)
    public Integer maxCheckpointsPerNamespace;

    @JsonPropertyDescription("Most archives per pod; default 20, 0 disables the pod level.")
    @Min(0)
    public Integer maxCheckpointsPerPod;

    @JsonPropertyDescription("Most archives per container; default 10, 0 disables the container level.")
    @Min(0)
    public Integer maxCheckpointsPerContainer;

    @JsonPropertyDescription("Largest single archive (a quantity such as 4Gi); default 100Gi.")
    public Quantity maxCheckpointSize;

    @JsonPropertyDescription("Largest total of a namespace's archives; default 100Gi.")
    public Quantity maxTotalSizePerNamespace;

    @JsonPropertyDescription("Largest total of a pod's archives; default 100Gi.")
    public Quantity maxTotalSizePerPod;

    @JsonPropertyDescription("Largest total of a container's archives; default 100Gi.")
    public Quantity maxTotalSizePerContainer;

    @JsonPropertyDescription("Oldest an archive may get, as a duration such as 90m, 48h or 7d; default unlimited.")
    @Pattern(LevelPolicy.DURATION_PATTERN)
    public String maxAge;
}
