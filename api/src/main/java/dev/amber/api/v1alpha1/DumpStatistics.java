package dev.amber.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * CRIU's statistics of one dump (its {@code stats-dump} image), which say where the time and the pages went:
 * the frozen time is how long the container's processes were stopped.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DumpStatistics {
    @JsonPropertyDescription("Microseconds CRIU took to freeze the processes.")
    public Long freezingTimeMicros;

    @JsonPropertyDescription("Microseconds the processes stayed frozen.")
    public Long frozenTimeMicros;

    @JsonPropertyDescription("Microseconds spent collecting the memory pages.")
    public Long memdumpTimeMicros;

    @JsonPropertyDescription("Microseconds spent writing the memory pages.")
    public Long memwriteTimeMicros;

    @JsonPropertyDescription("Memory pages scanned.")
    public Long pagesScanned;

    @JsonPropertyDescription("Pages skipped because a parent (pre-dump) image already holds them.")
    public Long pagesSkippedParent;

    @JsonPropertyDescription("Pages written to the archive.")
    public Long pagesWritten;
}
