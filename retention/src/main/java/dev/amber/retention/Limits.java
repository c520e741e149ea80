package dev.amber.retention;

import java.time.Duration;

/**
 * The validated limits of one level of a policy, in plain numbers.
 *
 * @param maxCheckpoints {@link Integer#MAX_VALUE} when unlimited; 0 disables the level
 * @param maxCheckpointSize bytes, {@link Long#MAX_VALUE} when unlimited; 0 disables the level (as upstream)
 * @param maxTotalSize bytes, {@link Long#MAX_VALUE} when unlimited; 0 disables the level (as upstream)
 * @param maxAge null when unlimited
 */
public record Limits(
        boolean retainOrphan, int maxCheckpoints, long maxCheckpointSize, long maxTotalSize, Duration maxAge) {
    public static final int UNLIMITED_COUNT = Integer.MAX_VALUE;
    public static final long UNLIMITED_BYTES = Long.MAX_VALUE;

    /** Upstream skips a level whose count or size limit is 0: that is how a level is switched off. */
    public boolean disabled() {
        return maxCheckpoints == 0 || maxCheckpointSize == 0 || maxTotalSize == 0;
    }
}
