package dev.amber.image;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * @param extraAnnotations added to the manifest after the checkpoint keys (they may override them)
 * @param progress hears hashing and uploading
 */
public record PushOptions(Map<String, String> extraAnnotations, ProgressListener progress) {
    public PushOptions {
        extraAnnotations = extraAnnotations == null
                ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(extraAnnotations));
        progress = progress == null ? ProgressListener.NONE : progress;
    }

    public static PushOptions defaults() {
        return new PushOptions(Map.of(), ProgressListener.NONE);
    }

    public PushOptions withProgress(ProgressListener value) {
        return new PushOptions(extraAnnotations, value);
    }

    public PushOptions withAnnotations(Map<String, String> value) {
        return new PushOptions(value, progress);
    }
}
