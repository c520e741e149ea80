package dev.amber.image.oci;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** An OCI content descriptor: what a manifest says about one blob. */
public record Descriptor(String mediaType, String digest, long size, Map<String, String> annotations) {
    public Descriptor {
        annotations = annotations == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(annotations));
        Digests.requireValid(digest);
    }

    public Descriptor(String mediaType, String digest, long size) {
        this(mediaType, digest, size, Map.of());
    }
}
