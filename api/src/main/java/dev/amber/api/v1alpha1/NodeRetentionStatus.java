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
    /** Archives deleted since the agent started; a dry run deletes nothing, so its agent reports 0. */
    public Long deletedTotal;
    /**
     * Only in a dry run: archives the policy would have deleted since the agent started, each counted once however
     * many passes judged it. Kept apart from {@link #deletedTotal} so that a dry run never reads as deletions.
     */
    public Long wouldDeleteTotal;
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
