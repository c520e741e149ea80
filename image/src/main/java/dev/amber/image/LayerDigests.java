package dev.amber.image;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import dev.amber.archive.ArchiveFormat;
import dev.amber.image.oci.Digests;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.zip.GZIPInputStream;

/**
 * The two digests a layer needs: of the bytes as stored (the blob digest) and of the uncompressed tar
 * (the config's diff_id). For an uncompressed archive they are the same single read of the file; for a
 * compressed one, one read of the file feeds both the blob hash and the decompressor.
 *
 * @param uncompressedSize bytes of the uncompressed tar
 */
public record LayerDigests(String digest, long size, String diffId, long uncompressedSize) {
    private static final int BUFFER = 1 << 20;

    public static LayerDigests of(Path file, ArchiveFormat format, ProgressListener progress) throws IOException {
        return of(file, format, progress, true);
    }

    private static LayerDigests of(Path file, ArchiveFormat format, ProgressListener progress, boolean hashStored)
            throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (format == ArchiveFormat.TAR) {
                MessageDigest sha = Digests.newSha256();
                ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
                long done = 0;
                while (channel.read(buffer) > 0 || buffer.position() > 0) {
                    buffer.flip();
                    done += buffer.remaining();
                    sha.update(buffer);
                    buffer.clear();
                    progress.progress("hashing", done, size);
                }
                String digest = Digests.of(sha);
                return new LayerDigests(digest, done, digest, done);
            }
            MessageDigest stored = Digests.newSha256();
            CountingInput counted = new CountingInput(java.nio.channels.Channels.newInputStream(channel), size, progress);
            InputStream raw = hashStored ? new DigestInputStream(counted, stored) : counted;
            MessageDigest plain = Digests.newSha256();
            long uncompressed = 0;
            try (InputStream in = switch (format) {
                case TAR_ZSTD -> new ZstdInputStreamNoFinalizer(raw);
                case TAR_GZIP -> new GZIPInputStream(raw, BUFFER);
                default -> throw new IllegalArgumentException("not a file layer: " + format);
            }) {
                byte[] buffer = new byte[BUFFER];
                int n;
                while ((n = in.read(buffer)) > 0) {
                    plain.update(buffer, 0, n);
                    uncompressed += n;
                }
                raw.transferTo(java.io.OutputStream.nullOutputStream()); // the blob digest covers any trailing bytes too
            } catch (IOException e) {
                throw new ImageException(file + ": cannot decompress (" + e.getMessage() + ")", e);
            }
            return new LayerDigests(hashStored ? Digests.of(stored) : null, counted.count, Digests.of(plain), uncompressed);
        }
    }

    /**
     * The diff_id of a compressed archive (the sha256 of its uncompressed tar) and that tar's size; the
     * stored digest is left null, because the upload computes it. Runs beside the upload.
     */
    public static LayerDigests uncompressed(Path file, ArchiveFormat format) throws IOException {
        return of(file, format, ProgressListener.NONE, false);
    }

    private static final class CountingInput extends java.io.FilterInputStream {
        private final long total;
        private final ProgressListener progress;
        long count;

        CountingInput(InputStream in, long total, ProgressListener progress) {
            super(in);
            this.total = total;
            this.progress = progress;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
                progress.progress("hashing", count, total);
            }
            return n;
        }

        @Override
        public void close() {
            // the channel belongs to the caller
        }
    }
}
