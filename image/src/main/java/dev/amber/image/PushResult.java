package dev.amber.image;

import dev.amber.image.oci.Descriptor;
import java.util.Map;

/**
 * What a push stored.
 *
 * @param reference the reference pushed to, pinned to the manifest digest
 * @param layerUploaded false when the store already had the layer and it was not sent again
 */
public record PushResult(
        ImageReference reference,
        String manifestDigest,
        Descriptor layer,
        String diffId,
        Descriptor config,
        boolean layerUploaded,
        Map<String, String> annotations) {}
