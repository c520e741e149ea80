package dev.amber.image;

import java.io.IOException;

/** Opens the store a reference names. The seam between {@link CheckpointImages} and registries. */
@FunctionalInterface
public interface ImageStores {
    /**
     * @param forPush whether blobs and manifests will be written (decides the registry token's scope,
     *     and whether a layout may be created)
     */
    ImageStore open(ImageReference reference, boolean forPush) throws IOException;
}
