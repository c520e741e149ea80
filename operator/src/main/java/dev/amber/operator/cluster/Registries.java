package dev.amber.operator.cluster;

import dev.amber.image.CheckpointImageInfo;
import java.io.IOException;

/** The registries Checkpoints export to, as the operator reaches them. {@link OciRegistries} is the real one. */
public interface Registries {
    /**
     * Deletes an exported image by its manifest digest.
     *
     * @param imageByDigest {@code registry/repository@sha256:...}, as a Checkpoint's status records it
     * @param dockerConfigJson the push Secret's credentials, or null to ask anonymously
     * @return false when the registry has no such image (deleted already)
     * @throws RegistryUnreachable when the registry cannot be reached: worth trying again
     * @throws IOException when it refuses (deletion turned off, no permission), in one line
     */
    boolean deleteImage(String imageByDigest, String dockerConfigJson) throws IOException;

    /**
     * What a checkpoint image holds, from its manifest and config (no layer is read), asked anonymously: the node
     * that restores it pulls it with its own credentials, which the operator does not hold.
     *
     * @throws RegistryUnreachable when the registry cannot be reached: worth trying again
     * @throws IOException when there is no such image, or it cannot be read, in one line
     */
    CheckpointImageInfo inspect(String imageByDigest) throws IOException;

    /** The registry could not be reached; another try may succeed. */
    final class RegistryUnreachable extends IOException {
        private static final long serialVersionUID = 1L;

        public RegistryUnreachable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
