package dev.amber.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One container's checkpoint: where its archive is, the image it was exported as, and CRIU's statistics. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ContainerCheckpointStatus {
    @JsonPropertyDescription("Container name.")
    public String name;

    @JsonPropertyDescription("Path of the checkpoint archive on the node.")
    public String archivePath;

    @JsonPropertyDescription("Size of the archive in bytes.")
    public Long archiveSize;

    @JsonPropertyDescription("The exported checkpoint image by digest (repository@sha256:...), once exported.")
    public String image;

    @JsonPropertyDescription("CRIU's statistics of the dump.")
    public DumpStatistics dumpStatistics;

    @JsonPropertyDescription(
            "When the node's agent accepted this container's checkpoint (RFC 3339): from then on the operator only"
                    + " follows it, and never asks for it again.")
    public String operationStartedAt;

    @JsonPropertyDescription("When the container's dump finished (RFC 3339).")
    public String checkpointedAt;
}
