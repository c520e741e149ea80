package dev.amber.agent.export;

import dev.amber.image.CheckpointImageInfo;
import dev.amber.image.CheckpointImages;
import dev.amber.image.ImageReference;
import dev.amber.image.PushOptions;
import dev.amber.image.PushResult;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A push that counts only once the registry serves it back: the manifest by the digest the push returned, and
 * that manifest's layer being the archive that was pushed (same digest, same size). A registry that accepted the
 * upload but stores something else (a proxy that rewrites, a tag raced by another push) fails here, before anyone
 * deletes the archive or records the image as its copy. Shared by the retention exporter and the exports callers
 * ask for.
 */
final class VerifiedPush {
    private VerifiedPush() {}

    /**
     * @param archiveSize the archive's size as the caller knows it, which the stored layer must have
     * @return what the push stored, verified
     * @throws IOException when the push failed or the registry does not serve what was pushed
     */
    static PushResult push(CheckpointImages library, Path archive, ImageReference ref, long archiveSize)
            throws IOException {
        PushResult pushed = library.push(archive, ref, PushOptions.defaults());
        CheckpointImageInfo stored = library.inspect(pushed.reference());
        if (!pushed.manifestDigest().equals(stored.manifestDigest())
                || stored.layer() == null
                || !pushed.layer().digest().equals(stored.layer().digest())
                || stored.layer().size() != archiveSize) {
            throw new IOException("the registry's image " + pushed.reference() + " is not the archive that was pushed");
        }
        return pushed;
    }
}
