package dev.amber.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.ArrayList;
import java.util.List;

/**
 * Which archives are pushed to a registry as checkpoint images. A matching archive is kept locally
 * until the registry has the image and its digest was read back; only then may retention delete it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ExportRule {
    @Required
    @JsonPropertyDescription(
            "Repository to push to, e.g. registry.example:5000/checkpoints; the tag is derived from the archive.")
    public String repository;

    @JsonPropertyDescription("Only archives of these namespaces; empty means all.")
    public List<String> namespaces = new ArrayList<>();

    @JsonPropertyDescription("Only archives whose pod carries these labels.")
    public LabelSelector selector;

    @JsonPropertyDescription("Talk plain HTTP to the registry (for a registry on the node or in a test cluster).")
    public Boolean plainHttp;
}
