package dev.amber.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/** The desired retention: upstream's fields plus {@code maxAge}, selectors and an export rule. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CheckpointPolicySpec {
    @JsonPropertyDescription(
            "Directory holding the checkpoint archives on each node; default /var/lib/kubelet/checkpoints.")
    public String checkpointDirectory;

    @JsonPropertyDescription(
            "Apply the policy to every archive as soon as the policy changes, not only when new archives appear.")
    public Boolean applyPoliciesImmediately;

    @JsonPropertyDescription("Limits for archives that no container, pod or namespace policy matches.")
    public GlobalPolicy globalPolicy;

    @JsonPropertyDescription(
            "Limits per container; the most specific level wins (container > pod > namespace > global).")
    public List<ContainerPolicy> containerPolicies = new ArrayList<>();

    @JsonPropertyDescription("Limits per pod, over all its containers' archives.")
    public List<PodPolicy> podPolicies = new ArrayList<>();

    @JsonPropertyDescription("Limits per namespace, over all its pods' archives.")
    public List<NamespacePolicy> namespacePolicies = new ArrayList<>();

    @JsonPropertyDescription(
            "Push matching archives to a registry as checkpoint images; a matching archive is deleted only after its push"
                    + " is verified.")
    public ExportRule export;
}
