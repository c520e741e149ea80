package dev.amber.retention;

import java.time.Instant;
import java.util.Map;

/**
 * What the index knows about one file in the checkpoint directory. {@code size} and
 * {@code modifiedMillis} are the file's identity: when both still match, the archive is not read again.
 *
 * @param fileName name inside the checkpoint directory (the directory is flat, as the kubelet writes it)
 * @param namespace empty for archives that belong to no pod (Podman)
 * @param pod empty for archives that belong to no pod (Podman)
 * @param checkpointed when the checkpoint was taken; the file's modification time when the archive says nothing
 * @param labels the pod's labels when known at indexing time, else the labels recorded in the archive
 * @param error why the file is not a readable checkpoint, or null; such files are listed but never deleted
 * @param exportedTo {@code repository@digest} once an export to a registry was verified, else null
 * @param pinned a {@code <archive>.keep} file exists beside it
 */
public record ArchiveRecord(
        String fileName,
        long size,
        long modifiedMillis,
        String namespace,
        String pod,
        String podUid,
        String container,
        String engine,
        Instant checkpointed,
        Map<String, String> labels,
        String error,
        String exportedTo,
        boolean pinned) {

    public ArchiveRecord {
        namespace = namespace == null ? "" : namespace;
        pod = pod == null ? "" : pod;
        container = container == null ? "" : container;
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    public static ArchiveRecord unreadable(String fileName, long size, long modifiedMillis, String error) {
        return new ArchiveRecord(
                fileName,
                size,
                modifiedMillis,
                "",
                "",
                null,
                "",
                null,
                Instant.ofEpochMilli(modifiedMillis),
                Map.of(),
                error,
                null,
                false);
    }

    public boolean readable() {
        return error == null;
    }

    /** The time retention orders by: oldest first. */
    public Instant time() {
        return checkpointed != null ? checkpointed : Instant.ofEpochMilli(modifiedMillis);
    }

    public boolean sameFileAs(long otherSize, long otherModifiedMillis) {
        return size == otherSize && modifiedMillis == otherModifiedMillis;
    }

    public ArchiveRecord withPinned(boolean value) {
        return value == pinned
                ? this
                : new ArchiveRecord(
                        fileName,
                        size,
                        modifiedMillis,
                        namespace,
                        pod,
                        podUid,
                        container,
                        engine,
                        checkpointed,
                        labels,
                        error,
                        exportedTo,
                        value);
    }

    public ArchiveRecord withExportedTo(String value) {
        return new ArchiveRecord(
                fileName,
                size,
                modifiedMillis,
                namespace,
                pod,
                podUid,
                container,
                engine,
                checkpointed,
                labels,
                error,
                value,
                pinned);
    }

    public ArchiveRecord withLabels(Map<String, String> value) {
        return new ArchiveRecord(
                fileName,
                size,
                modifiedMillis,
                namespace,
                pod,
                podUid,
                container,
                engine,
                checkpointed,
                value,
                error,
                exportedTo,
                pinned);
    }
}
