package dev.amber.image;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import dev.amber.archive.ArchiveFormat;
import dev.amber.image.oci.Digests;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.zip.GZIPInputStream;

/**
 * What the config's {@code rootfs.diff_ids} needs of a compressed archive: the sha256 of its
 * <em>uncompressed</em> tar (containers/storage and containerd check what they unpacked against it), and
 * that tar's size. For an uncompressed archive the diff_id is the layer digest the upload computes, so
 * only compressed archives come here, in a decompressing pass that runs beside the upload.
 */
public record LayerDigests(String diffId, long uncompressedSize) {
    private static final int BUFFER = 1 << 20;

    public static LayerDigests uncompressed(Path file, ArchiveFormat format) throws IOException {
        MessageDigest plain = Digests.newSha256();
        long size = 0;
        try (InputStream raw = Files.newInputStream(file);
                InputStream in = switch (format) {
                    case TAR_ZSTD -> new ZstdInputStreamNoFinalizer(raw);
                    case TAR_GZIP -> new GZIPInputStream(raw, BUFFER);
                    default -> throw new IllegalArgumentException("not a compressed archive: " + format);
                }) {
            byte[] buffer = new byte[BUFFER];
            int n;
            while ((n = in.read(buffer)) > 0) {
                plain.update(buffer, 0, n);
                size += n;
            }
        } catch (IOException e) {
            throw new ImageException(file + ": cannot decompress (" + e.getMessage() + ")", e);
        }
        return new LayerDigests(Digests.of(plain), size);
    }
}
