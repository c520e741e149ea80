package dev.amber.image;

import dev.amber.image.oci.Digests;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.MessageDigest;

/**
 * A file whose SHA-256 is computed from the very bytes read to send it: one read of the file both
 * uploads and hashes it. Each byte is hashed once and in order, however often a retry re-reads a range;
 * the digest is ready when every byte has been read.
 */
public final class HashingFileContent implements BlobContent {
    private static final int BUFFER = 1 << 20;

    private final Path file;
    private final long size;
    private final MessageDigest sha = Digests.newSha256();
    private long hashedUpTo;
    private String digest;

    public HashingFileContent(Path file, long size) {
        this.file = file;
        this.size = size;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public InputStream open(long offset) throws IOException {
        return new FilterInputStream(BlobContent.ofFile(file, size).open(offset)) {
            private long position = offset;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) {
                    hash(position, b, off, n);
                    position += n;
                }
                return n;
            }
        };
    }

    private synchronized void hash(long position, byte[] b, int off, int n) {
        if (position <= hashedUpTo && position + n > hashedUpTo) {
            int skip = (int) (hashedUpTo - position);
            sha.update(b, off + skip, n - skip);
            hashedUpTo = position + n;
        }
    }

    /** Reads whatever has not been hashed yet; for stores that need the digest before they write. */
    public String hashRemaining(ProgressListener progress) throws IOException {
        try (InputStream in = open(hashedUpTo())) {
            byte[] buffer = new byte[BUFFER];
            long done = hashedUpTo();
            int n;
            while ((n = in.read(buffer)) > 0) {
                done += n;
                progress.progress("hashing", done, size);
            }
        }
        return digest();
    }

    private synchronized long hashedUpTo() {
        return hashedUpTo;
    }

    /** The digest of the whole file; every byte must have been read. */
    public synchronized String digest() throws ImageException {
        if (digest == null) {
            if (hashedUpTo != size) {
                throw new ImageException(
                        file + " changed while it was read (" + hashedUpTo + " of " + size + " bytes)");
            }
            digest = Digests.of(sha);
        }
        return digest;
    }
}
