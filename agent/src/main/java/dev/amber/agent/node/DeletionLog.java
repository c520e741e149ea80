package dev.amber.agent.node;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What retention deleted on this node, or in a dry run would have deleted: totals since the agent started and the
 * most recent entries, which the agent publishes in its report.
 *
 * <p>Invariants. Real deletions and dry-run deletions are counted apart, so a dry run never reads as deleted.
 * At most {@value #RECENT} entries are kept, newest first, so that a sweeping policy grows neither the agent's memory
 * nor the status it publishes. A dry run judges the same archives deletable on every pass; each archive is counted
 * and listed once, so its total counts archives, not passes. The names already counted are kept for the agent's
 * life, one per archive ever judged deletable in the dry run: no more than the archives the directory has held.
 *
 * <p>Thread-safe: the agent's thread records while reports are read from others (HTTP API, status writer, tests),
 * so every method holds the log's lock and a {@link Snapshot} is consistent.
 */
final class DeletionLog {
    static final int RECENT = 50;

    /** Totals and recent entries read under one lock, so they agree with each other. */
    record Snapshot(long deletedTotal, long wouldDeleteTotal, List<NodeReport.Deletion> recent) {}

    private final Deque<NodeReport.Deletion> recent = new ArrayDeque<>();
    private final Set<String> countedInDryRun = new HashSet<>();
    private long deletedTotal;
    private long wouldDeleteTotal;

    synchronized void deleted(String archive, String reason, Instant time) {
        deletedTotal++;
        remember(new NodeReport.Deletion(archive, reason, time));
    }

    /** @return false when an earlier pass already counted this archive, so it is no news to log */
    synchronized boolean wouldDelete(String archive, String reason, Instant time) {
        if (!countedInDryRun.add(archive)) {
            return false;
        }
        wouldDeleteTotal++;
        remember(new NodeReport.Deletion(archive, reason, time));
        return true;
    }

    synchronized Snapshot snapshot() {
        return new Snapshot(deletedTotal, wouldDeleteTotal, List.copyOf(recent));
    }

    private void remember(NodeReport.Deletion deletion) {
        recent.addFirst(deletion);
        while (recent.size() > RECENT) {
            recent.removeLast();
        }
    }
}
