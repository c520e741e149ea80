package dev.amber.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Map;

/**
 * Metadata the restored pod gets on top of the checkpointed pod's: an entry here replaces the checkpointed
 * entry of the same key, the others are kept.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PodOverrides {
    @JsonPropertyDescription("Labels to add to or replace on the restored pod.")
    public Map<String, String> labels;

    @JsonPropertyDescription("Annotations to add to or replace on the restored pod.")
    public Map<String, String> annotations;
}
