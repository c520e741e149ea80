package dev.amber.agent.node;

import java.time.Instant;
import java.util.List;

/**
 * What one node's agent holds and what it recently deleted.
 *
 * @param recentDeletions newest first, bounded
 */
public record NodeReport(Instant lastApplied, boolean dryRun, long archives, long bytes, long pendingExports,
        long deletedTotal, List<Deletion> recentDeletions) {

    /** One deletion (or, in a dry run, one deletion that would have happened). */
    public record Deletion(String archive, String reason, Instant time) {}
}
