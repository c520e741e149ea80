package dev.amber.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/**
 * What every amber.dev status carries, as Strimzi's {@code Status} does: the conditions and the generation
 * they describe. The operator's status recorder is the one place that writes them, so the invariant holds
 * there: {@link #conditions} is keyed by {@code type}, at most one condition of each type (the types are
 * in {@link ConditionTypes}), and a condition's {@code lastTransitionTime} changes only when its
 * {@code status} does.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public abstract class ResourceStatus {
    @JsonPropertyDescription("The latest observations of the resource's state, at most one per type.")
    public List<Condition> conditions = new ArrayList<>();

    @JsonPropertyDescription("The metadata.generation of the resource that this status describes.")
    public Long observedGeneration;
}
