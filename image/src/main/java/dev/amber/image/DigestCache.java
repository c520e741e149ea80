package dev.amber.image;

import dev.amber.image.oci.Digests;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;

/**
 * Remembers an archive's digest in a user extended attribute ({@code user.amber.sha256}), valid while
 * the file keeps its size and modification time. A first push hashes while it uploads, so it cannot ask
 * the registry beforehand whether it has the layer; a later push of the same archive knows the digest
 * at once and skips a layer the registry already holds. Where the file system has no user xattrs
 * (or the file is read-only) nothing is remembered and nothing fails.
 */
final class DigestCache {
    private static final String NAME = "amber.sha256";

    private DigestCache() {}

    static String lookup(Path file) {
        try {
            UserDefinedFileAttributeView view = Files.getFileAttributeView(file, UserDefinedFileAttributeView.class);
            if (view == null || !view.list().contains(NAME)) {
                return null;
            }
            ByteBuffer buffer = ByteBuffer.allocate(view.size(NAME));
            view.read(NAME, buffer);
            String[] parts = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).split(" ");
            if (parts.length == 3 && parts[1].equals(stamp(file)[0]) && parts[2].equals(stamp(file)[1])) {
                Digests.requireValid(parts[0]);
                return parts[0];
            }
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return null;
        }
        return null;
    }

    static void remember(Path file, String digest) {
        try {
            UserDefinedFileAttributeView view = Files.getFileAttributeView(file, UserDefinedFileAttributeView.class);
            if (view != null) {
                String[] stamp = stamp(file);
                view.write(
                        NAME,
                        ByteBuffer.wrap(
                                (digest + " " + stamp[0] + " " + stamp[1]).getBytes(StandardCharsets.US_ASCII)));
            }
        } catch (IOException | UnsupportedOperationException e) {
            // a cache only: the next push hashes again
        }
    }

    private static String[] stamp(Path file) throws IOException {
        return new String[] {
            Long.toString(Files.size(file)),
            Long.toString(Files.getLastModifiedTime(file).toMillis())
        };
    }
}
