package dev.amber.archive.model;

/**
 * A change the container made to its root file system.
 *
 * @param kind WRITTEN for files in {@code rootfs-diff.tar} (the archive does not record whether a
 *     written file was new or modified), DELETED for {@code deleted.files} and whiteouts
 */
public record RootfsChange(String path, Kind kind, String fileType, long size) {
    public enum Kind {
        WRITTEN,
        DELETED
    }
}
