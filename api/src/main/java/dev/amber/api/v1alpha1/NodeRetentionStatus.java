package dev.amber.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;

/** What one node's agent holds and what it last deleted, with the reason for each deletion. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NodeRetentionStatus {
    public String nodeName;
    public Long observedGeneration;
    /** RFC 3339 time of the last pass of the retention engine. */
    public String lastApplied;
    public Boolean dryRun;
    public Long archives;
    public Long bytes;
    public Long pendingExports;
    public Long deletedTotal;
    /** The most recent deletions (or, in a dry run, would-be deletions), newest first, bounded. */
    public List<Deletion> recentDeletions = new ArrayList<>();

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Deletion {
        public String archive;
        public String reason;
        public String time;

        public Deletion() {}

        public Deletion(String archive, String reason, String time) {
            this.archive = archive;
            this.reason = reason;
            this.time = time;
        }
    }
}
