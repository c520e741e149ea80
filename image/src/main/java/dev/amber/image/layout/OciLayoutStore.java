package dev.amber.image.layout;

import dev.amber.image.BlobContent;
import dev.amber.image.ImageException;
import dev.amber.image.ImageStore;
import dev.amber.image.ProgressListener;
import dev.amber.image.oci.Descriptor;
import dev.amber.image.oci.Digests;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;

/**
 * An OCI image layout directory ({@code oci-layout}, {@code index.json}, {@code blobs/sha256/}). Every file
 * is written under a temporary name and renamed into place, and {@code index.json} last, so a reader never
 * sees a tag of a half-written image.
 */
public final class OciLayoutStore implements ImageStore {
    private final Path dir;

    private OciLayoutStore(Path dir) {
        this.dir = dir;
    }

    /** Opens a layout; {@code create} makes the directory and an empty layout when there is none. */
    public static OciLayoutStore open(Path dir, boolean create) throws IOException {
        Path marker = dir.resolve("oci-layout");
        if (!Files.isRegularFile(marker)) {
            if (!create) {
                throw new ImageException(dir + " is not an OCI image layout (no oci-layout file)");
            }
            if (Files.exists(dir) && !Files.isDirectory(dir)) {
                throw new ImageException(dir + " exists and is not a directory");
            }
            if (Files.isDirectory(dir)) {
                try (var children = Files.list(dir)) {
                    if (children.findAny().isPresent()) {
                        throw new ImageException(dir + " is a non-empty directory that is not an OCI image layout");
                    }
                }
            }
            Files.createDirectories(dir.resolve("blobs").resolve("sha256"));
            writeAtomically(marker, LayoutIndex.OCI_LAYOUT);
            writeAtomically(dir.resolve("index.json"), LayoutIndex.empty().toJson());
        }
        return new OciLayoutStore(dir);
    }

    Path blobPath(String digest) {
        return dir.resolve("blobs").resolve("sha256").resolve(Digests.hex(digest));
    }

    @Override
    public String describe() {
        return "OCI layout " + dir;
    }

    @Override
    public boolean hasBlob(Descriptor blob) throws IOException {
        Path p = blobPath(blob.digest());
        return Files.isRegularFile(p) && Files.size(p) == blob.size();
    }

    @Override
    public void putBlob(Descriptor blob, BlobContent content, ProgressListener progress) throws IOException {
        Path target = blobPath(blob.digest());
        Path tmp = target.resolveSibling(target.getFileName() + ".partial");
        try {
            try (InputStream in = content.open(0);
                    OutputStream out = Files.newOutputStream(tmp)) {
                copyChecked(in, out, blob, "writing", progress);
            }
            move(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Writes under a temporary name while hashing, then renames to the digest: one read of the source. */
    @Override
    public String putBlobComputingDigest(
            String mediaType, dev.amber.image.HashingFileContent content, ProgressListener progress)
            throws IOException {
        Path tmp = Files.createTempFile(dir.resolve("blobs").resolve("sha256"), "upload-", ".partial");
        try {
            try (InputStream in = content.open(0);
                    OutputStream out = Files.newOutputStream(tmp)) {
                byte[] buffer = new byte[1 << 20];
                long done = 0;
                int n;
                while ((n = in.read(buffer)) > 0) {
                    out.write(buffer, 0, n);
                    done += n;
                    progress.progress("writing", done, content.size());
                }
            }
            String digest = content.digest();
            move(tmp, blobPath(digest));
            return digest;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @Override
    public String putManifest(String tag, byte[] manifest, String mediaType) throws IOException {
        String digest = Digests.sha256(manifest);
        writeAtomically(blobPath(digest), manifest);
        LayoutIndex index = readIndex();
        index.tag(tag, mediaType, digest, manifest.length);
        writeAtomically(dir.resolve("index.json"), index.toJson());
        return digest;
    }

    @Override
    public FetchedManifest getManifest(String reference) throws IOException {
        LayoutIndex.Entry entry = readIndex().find(reference, describe());
        byte[] bytes = getSmallBlob(new Descriptor(entry.mediaType(), entry.digest(), entry.size()));
        return new FetchedManifest(bytes, entry.mediaType(), entry.digest());
    }

    private LayoutIndex readIndex() throws IOException {
        return LayoutIndex.parse(Files.readAllBytes(dir.resolve("index.json")), describe());
    }

    @Override
    public byte[] getSmallBlob(Descriptor blob) throws IOException {
        Path p = blobPath(blob.digest());
        if (!Files.isRegularFile(p)) {
            throw new ImageException(describe() + " lacks blob " + blob.digest());
        }
        byte[] data = Files.readAllBytes(p);
        if (!Digests.sha256(data).equals(blob.digest())) {
            throw new ImageException("blob " + blob.digest() + " in " + describe() + " does not match its digest");
        }
        return data;
    }

    @Override
    public void getBlob(Descriptor blob, Path target, ProgressListener progress) throws IOException {
        Path p = blobPath(blob.digest());
        if (!Files.isRegularFile(p)) {
            throw new ImageException(describe() + " lacks blob " + blob.digest());
        }
        try (InputStream in = Files.newInputStream(p);
                OutputStream out = Files.newOutputStream(target)) {
            copyChecked(in, out, blob, "copying", progress);
        }
    }

    /** Copies exactly {@code blob.size()} bytes and fails unless they hash to {@code blob.digest()}. */
    static void copyChecked(InputStream in, OutputStream out, Descriptor blob, String step, ProgressListener progress)
            throws IOException {
        MessageDigest sha = Digests.newSha256();
        byte[] buffer = new byte[1 << 20];
        long done = 0;
        int n;
        while ((n = in.read(buffer)) > 0) {
            out.write(buffer, 0, n);
            sha.update(buffer, 0, n);
            done += n;
            progress.progress(step, done, blob.size());
        }
        String actual = Digests.of(sha);
        if (done != blob.size() || !actual.equals(blob.digest())) {
            throw new ImageException("blob content (" + done + " bytes, " + actual + ") does not match its descriptor ("
                    + blob.size() + " bytes, " + blob.digest() + ")");
        }
    }

    static void writeAtomically(Path target, byte[] data) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".partial");
        try {
            Files.write(tmp, data);
            move(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Override
    public void close() {
        // every write is complete when its method returns
    }
}
