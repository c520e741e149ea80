package dev.amber.image.registry;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How to talk to registries.
 *
 * @param insecure use plain HTTP (for a local registry); TLS otherwise
 * @param authFile an explicit auth file, or null for the standard search list
 * @param chunkBytes bytes per PATCH of a chunked upload: the most a dropped connection can cost
 * @param attempts tries per chunk (and per download) before a push or pull gives up
 * @param timeout connect timeout, and the longest a single request may stall
 */
public record RegistryOptions(boolean insecure, Path authFile, long chunkBytes, int attempts, Duration timeout) {
    public static final long DEFAULT_CHUNK_BYTES = 64L << 20;

    public static RegistryOptions defaults() {
        return new RegistryOptions(false, null, DEFAULT_CHUNK_BYTES, 4, Duration.ofSeconds(30));
    }

    public RegistryOptions withInsecure(boolean value) {
        return new RegistryOptions(value, authFile, chunkBytes, attempts, timeout);
    }

    public RegistryOptions withAuthFile(Path value) {
        return new RegistryOptions(insecure, value, chunkBytes, attempts, timeout);
    }

    public RegistryOptions withChunkBytes(long value) {
        return new RegistryOptions(insecure, authFile, value, attempts, timeout);
    }

    public RegistryOptions withAttempts(int value) {
        return new RegistryOptions(insecure, authFile, chunkBytes, value, timeout);
    }

    public RegistryOptions withTimeout(Duration value) {
        return new RegistryOptions(insecure, authFile, chunkBytes, attempts, value);
    }
}
