package dev.amber.retention;

import java.util.List;

/**
 * The outcome of one pass of the engine: every archive is either deleted or kept, each with a reason.
 *
 * @param exports archives the export rule covers that have not been exported yet, oldest first
 */
public record RetentionPlan(List<Decision> deletions, List<Decision> kept, List<ArchiveRecord> exports) {
    public RetentionPlan {
        deletions = List.copyOf(deletions);
        kept = List.copyOf(kept);
        exports = List.copyOf(exports);
    }
}
