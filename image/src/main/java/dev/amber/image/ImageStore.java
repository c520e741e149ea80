package dev.amber.image;

import dev.amber.image.oci.Descriptor;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Somewhere checkpoint images are kept: a registry repository or an OCI image layout. This is the seam
 * for tests of code that pushes or pulls: an {@link dev.amber.image.layout.OciLayoutStore} on a temporary
 * directory is a real, cheap store that needs no registry.
 *
 * <p>Callers store every blob a manifest names before the manifest itself, so a failure part-way leaves
 * unreferenced blobs at worst, never a tag that points at half an image.
 */
public interface ImageStore extends AutoCloseable {

    /** True when the store already holds this exact blob. */
    boolean hasBlob(Descriptor blob) throws IOException;

    /** Stores a blob whose digest and size the caller has computed; the store rejects a mismatch. */
    void putBlob(Descriptor blob, BlobContent content, ProgressListener progress) throws IOException;

    /**
     * Stores a blob whose digest is computed from the bytes as they are stored, so the source is read once.
     * A store that must know the digest before it writes reads the rest first; the default does that and
     * then skips the write when the blob is already there.
     *
     * @return the blob's digest
     */
    default String putBlobComputingDigest(String mediaType, HashingFileContent content, ProgressListener progress)
            throws IOException {
        String digest = content.hashRemaining(progress);
        Descriptor blob = new Descriptor(mediaType, digest, content.size());
        if (!hasBlob(blob)) {
            putBlob(blob, content, progress);
        }
        return digest;
    }

    /**
     * Stores a manifest under {@code tag} (or only by digest when tag is null).
     *
     * @return the manifest's digest
     */
    String putManifest(String tag, byte[] manifest, String mediaType) throws IOException;

    /** The manifest a tag or digest names, as stored. */
    FetchedManifest getManifest(String reference) throws IOException;

    /** A small blob (a config) in memory, checked against its digest. */
    byte[] getSmallBlob(Descriptor blob) throws IOException;

    /** Writes a blob to {@code target}, checked against its digest before this returns. */
    void getBlob(Descriptor blob, Path target, ProgressListener progress) throws IOException;

    /** Where this store is, for messages. */
    String describe();

    @Override
    void close() throws IOException;

    /** A manifest as a store returned it. */
    record FetchedManifest(byte[] bytes, String mediaType, String digest) {}
}
