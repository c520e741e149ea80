package dev.amber.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * Where a Checkpoint's archives are pushed as checkpoint images. Every field may be left out when the chart
 * sets a default repository, so {@code export: {}} exports there.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CheckpointExport {
    @JsonPropertyDescription(
            "Repository to push to, e.g. registry.example:5000/checkpoints; the tag defaults to the Checkpoint's"
                    + " name. Absent means the default repository the chart sets.")
    public String image;

    @JsonPropertyDescription(
            "Name of a kubernetes.io/dockerconfigjson Secret in the Checkpoint's namespace holding the credentials"
                    + " to push with.")
    public String pushSecretName;
}
