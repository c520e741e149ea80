package dev.amber.archive;

import dev.amber.archive.metadata.Json;
import dev.amber.archive.model.RootfsChange;
import dev.amber.archive.tar.TarEntry;
import dev.amber.archive.tar.TarInputReader;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Lists the container's file-system changes: {@code rootfs-diff.tar} (plain for Podman and CRI-O, a gzip
 * layer with whiteouts for containerd) and {@code deleted.files}. Reads headers only.
 */
final class RootfsDiffLister {
    private static final String WHITEOUT = ".wh.";
    private static final String OPAQUE = ".wh..wh..opq";

    private RootfsDiffLister() {}

    static List<RootfsChange> list(InputStream diff) throws IOException {
        BufferedInputStream in = new BufferedInputStream(diff, 1 << 16);
        in.mark(3);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        InputStream plain = (b0 == 0x1f && b1 == 0x8b) ? new GZIPInputStream(in, 1 << 16) : in;
        List<RootfsChange> out = new ArrayList<>();
        TarInputReader tar = new TarInputReader(plain);
        for (TarEntry e = tar.next(); e != null; e = tar.next()) {
            String path = "/" + e.name();
            int slash = path.lastIndexOf('/');
            String base = path.substring(slash + 1);
            if (base.equals(OPAQUE) || e.isDirectory() || e.name().isEmpty()) {
                continue;
            }
            if (base.startsWith(WHITEOUT)) {
                out.add(new RootfsChange(
                        path.substring(0, slash + 1) + base.substring(WHITEOUT.length()),
                        RootfsChange.Kind.DELETED,
                        "",
                        0));
            } else {
                out.add(new RootfsChange(path, RootfsChange.Kind.WRITTEN, fileType(e), e.size()));
            }
        }
        return out;
    }

    static List<RootfsChange> deletedFiles(byte[] json) throws ArchiveException {
        List<RootfsChange> out = new ArrayList<>();
        if (json == null) {
            return out;
        }
        var node = Json.parse("deleted.files", json);
        if (!node.isArray()) {
            throw new ArchiveException("deleted.files is not a JSON array");
        }
        for (var p : node) {
            String path = p.asText();
            out.add(new RootfsChange(path.startsWith("/") ? path : "/" + path, RootfsChange.Kind.DELETED, "", 0));
        }
        return out;
    }

    private static String fileType(TarEntry e) {
        if (e.isSymlink()) {
            return "symlink";
        }
        if (e.isHardLink()) {
            return "hardlink";
        }
        return e.isRegularFile() ? "file" : "special";
    }
}
