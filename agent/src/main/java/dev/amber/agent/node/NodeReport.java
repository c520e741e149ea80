package dev.amber.agent.node;

import java.time.Instant;
import java.util.List;

/**
 * What one node's agent holds and what it recently deleted.
 *
 * @param deletedTotal archives retention really deleted since the agent started; always 0 in a dry run
 * @param wouldDeleteTotal in a dry run, the archives retention would have deleted since the agent started, each
 *     counted once however many passes judged it; always 0 otherwise
 * @param recentDeletions newest first, bounded; in a dry run, deletions that would have happened
 */
public record NodeReport(
        Instant lastApplied,
        boolean dryRun,
        long archives,
        long bytes,
        long pendingExports,
        long deletedTotal,
        long wouldDeleteTotal,
        List<Deletion> recentDeletions) {

    /** One deletion (or, in a dry run, one deletion that would have happened). */
    public record Deletion(String archive, String reason, Instant time) {}
}
