package dev.amber.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Limits for the archives of one container of one pod (or of every pod the selector matches). */
public class ContainerPolicy extends LevelPolicy {
    @JsonPropertyDescription("Pod name; omit to match pods by selector.")
    public String pod;

    @JsonPropertyDescription("Container name.")
    public String container;
}
