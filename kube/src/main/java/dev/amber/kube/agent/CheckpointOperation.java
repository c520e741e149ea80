package dev.amber.kube.agent;

import dev.amber.api.v1alpha1.DumpStatistics;

/**
 * What an agent reports about one checkpoint it was asked for.
 *
 * @param archivePath on the node, once the kubelet wrote it (kept when a later export fails)
 * @param archiveSize bytes, with {@code archivePath}
 * @param image {@code repository@sha256:...} once the push is verified, else null
 * @param dumpStatistics CRIU's statistics read from the archive, or null when it has none
 * @param checkpointedAt RFC 3339, when the kubelet's call returned
 * @param reason a CamelCase word for a failure (e.g. {@code KubeletTimeout}, {@code ExportFailed}), else null
 * @param message one line saying what happened, for a person
 */
public record CheckpointOperation(
        String id,
        State state,
        String archivePath,
        Long archiveSize,
        String image,
        DumpStatistics dumpStatistics,
        String checkpointedAt,
        String reason,
        String message) {

    /** Running until the kubelet answered and, if asked, the export is verified or failed. */
    public enum State {
        RUNNING,
        SUCCEEDED,
        FAILED
    }

    public boolean finished() {
        return state != State.RUNNING;
    }
}
