package dev.amber.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** What became of a Restore: its phase, the pod and node it restored to, how, and how fast. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RestoreStatus extends ResourceStatus {
    @JsonPropertyDescription("Pending, Restoring, Running or Failed; Running and Failed are final.")
    public RestorePhase phase;

    @JsonPropertyDescription("Name of the restored pod.")
    public String podName;

    @JsonPropertyDescription("Node the pod was restored on.")
    public String nodeName;

    @JsonPropertyDescription(
            "How the containers were restored, e.g. CreateContainer (one container at a time through the"
                    + " runtime) or PodLevel (the whole pod at once).")
    public String backend;

    @JsonPropertyDescription("Seconds from the Restore's creation until every container was running.")
    public Double timeToRunningSeconds;
}
