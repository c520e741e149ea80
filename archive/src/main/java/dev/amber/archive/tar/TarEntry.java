package dev.amber.archive.tar;

/**
 * One member of a tar archive.
 *
 * @param name normalised name (no leading {@code ./}), checked against path traversal
 * @param size bytes of data
 * @param type the tar type flag
 * @param dataOffset where the data starts in the uncompressed tar stream
 * @param modifiedEpochSeconds the mtime recorded in the header
 */
public record TarEntry(String name, long size, byte type, long dataOffset, long modifiedEpochSeconds) {
    public boolean isRegularFile() {
        return type == '0' || type == 0 || type == '7';
    }

    public boolean isDirectory() {
        return type == '5';
    }

    public boolean isSymlink() {
        return type == '2';
    }

    public boolean isHardLink() {
        return type == '1';
    }
}
