package dev.amber.archive;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** How an archive is stored on disk; decides whether it can be read with seeks or must be streamed. */
public enum ArchiveFormat {
    /** An already-extracted checkpoint directory. */
    DIRECTORY(true),
    /** An uncompressed tar (the kubelet's format, Podman's {@code --compress none}). */
    TAR(true),
    /** A zstd-compressed tar (Podman's default). */
    TAR_ZSTD(false),
    /** A gzip-compressed tar. */
    TAR_GZIP(false);

    private final boolean seekable;

    ArchiveFormat(boolean seekable) {
        this.seekable = seekable;
    }

    /** True when entries can be read in any order without decompressing what lies before them. */
    public boolean seekable() {
        return seekable;
    }

    /** Detects the format from the path's type and the file's magic bytes, not from its name. */
    public static ArchiveFormat detect(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            return DIRECTORY;
        }
        if (!Files.isRegularFile(path)) {
            throw new ArchiveException(path + ": no such file or directory");
        }
        byte[] head = new byte[512];
        int n;
        try (InputStream in = Files.newInputStream(path)) {
            n = in.readNBytes(head, 0, head.length);
        }
        if (n == 0) {
            throw new ArchiveException(path + ": empty file, not a checkpoint archive");
        }
        if (n >= 4
                && (head[0] & 0xff) == 0x28
                && (head[1] & 0xff) == 0xb5
                && (head[2] & 0xff) == 0x2f
                && (head[3] & 0xff) == 0xfd) {
            return TAR_ZSTD;
        }
        if (n >= 3 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b && head[2] == 8) {
            return TAR_GZIP;
        }
        if (n == 512 && dev.amber.archive.tar.TarHeaders.looksLikeHeader(head)) {
            return TAR;
        }
        throw new ArchiveException(path + ": not a checkpoint archive (neither tar, zstd nor gzip)");
    }
}
