package dev.amber.retention;

/** What retention decided for one archive, and why, in words a user can act on. */
public record Decision(ArchiveRecord archive, Reason reason, String detail) {
    /** Machine-readable reasons; deletions are counted by these in metrics. */
    public enum Reason {
        ORPHAN("orphan", true),
        MAX_AGE("max-age", true),
        MAX_CHECKPOINT_SIZE("max-checkpoint-size", true),
        MAX_CHECKPOINTS("max-checkpoints", true),
        MAX_TOTAL_SIZE("max-total-size", true),
        WITHIN_LIMITS("within-limits", false),
        LEVEL_DISABLED("level-disabled", false),
        PINNED("pinned", false),
        AWAITING_EXPORT("awaiting-export", false),
        UNREADABLE("unreadable", false);

        private final String label;
        private final boolean deletes;

        Reason(String label, boolean deletes) {
            this.label = label;
            this.deletes = deletes;
        }

        public String label() {
            return label;
        }

        public boolean deletes() {
            return deletes;
        }
    }

    /** One line: {@code max-checkpoints: ...}. */
    public String describe() {
        return reason.label() + ": " + detail;
    }
}
