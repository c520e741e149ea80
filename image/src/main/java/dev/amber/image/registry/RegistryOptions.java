package dev.amber.image.registry;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How to talk to registries.
 *
 * @param insecure use plain HTTP (for a local registry); TLS otherwise
 * @param authFile an explicit auth file, or null for the standard search list
 * @param chunkBytes bytes per PATCH of a chunked upload: the most a dropped connection can cost
 * @param attempts tries per chunk (and per download) before a push or pull gives up
 * @param timeout connect timeout, and the longest a single request may stall
 * @param certsDirs where per-registry CA certificates live ({@code DIR/HOST[:PORT]/*.crt})
 */
public record RegistryOptions(
        boolean insecure, Path authFile, long chunkBytes, int attempts, Duration timeout, List<Path> certsDirs) {
    public static final long DEFAULT_CHUNK_BYTES = 64L << 20;

    public RegistryOptions {
        certsDirs = List.copyOf(certsDirs);
    }

    public static RegistryOptions defaults() {
        return new RegistryOptions(
                false, null, DEFAULT_CHUNK_BYTES, 4, Duration.ofSeconds(30), RegistryTls.STANDARD_DIRS);
    }

    public RegistryOptions withInsecure(boolean value) {
        return new RegistryOptions(value, authFile, chunkBytes, attempts, timeout, certsDirs);
    }

    public RegistryOptions withAuthFile(Path value) {
        return new RegistryOptions(insecure, value, chunkBytes, attempts, timeout, certsDirs);
    }

    public RegistryOptions withChunkBytes(long value) {
        return new RegistryOptions(insecure, authFile, value, attempts, timeout, certsDirs);
    }

    public RegistryOptions withAttempts(int value) {
        return new RegistryOptions(insecure, authFile, chunkBytes, value, timeout, certsDirs);
    }

    public RegistryOptions withCertsDirs(List<Path> value) {
        return new RegistryOptions(insecure, authFile, chunkBytes, attempts, timeout, value);
    }

    public RegistryOptions withTimeout(Duration value) {
        return new RegistryOptions(insecure, authFile, chunkBytes, attempts, value, certsDirs);
    }
}
