package dev.amber.image;

import dev.amber.archive.Engine;
import dev.amber.archive.model.ContainerInfo;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The manifest annotations that make an image a checkpoint image for every engine at once. Each engine
 * looks for its own key: CRI-O for {@code io.kubernetes.cri-o.annotations.checkpoint.name}, containerd for
 * {@code org.criu.checkpoint.container.name}, Podman for {@code io.podman.annotations.checkpoint.name}. The
 * rest of each set describes the container and is filled where the archive records it.
 */
public final class CheckpointAnnotations {
    public static final String CRIO_PREFIX = "io.kubernetes.cri-o.annotations.checkpoint.";
    public static final String CRIU_PREFIX = "org.criu.checkpoint.";
    public static final String PODMAN_PREFIX = "io.podman.annotations.checkpoint.";

    public static final String CRIO_NAME = CRIO_PREFIX + "name";
    public static final String CRIU_NAME = CRIU_PREFIX + "container.name";
    public static final String PODMAN_NAME = PODMAN_PREFIX + "name";
    public static final String CRIU_POD = CRIU_PREFIX + "pod.name";
    public static final String CRIU_POD_UID = CRIU_PREFIX + "pod.uid";
    public static final String CRIU_NAMESPACE = CRIU_PREFIX + "pod.namespace";
    public static final String CRIU_ENGINE = CRIU_PREFIX + "engine.name";
    public static final String CRIU_RUNTIME = CRIU_PREFIX + "runtime.name";
    public static final String CRIU_ROOTFS_IMAGE_NAME = CRIU_PREFIX + "rootfsImageName";
    public static final String CRIU_ROOTFS_IMAGE_ID = CRIU_PREFIX + "rootfsImageID";
    public static final String CRIU_HOST_ARCH = CRIU_PREFIX + "host.arch";
    /** When the checkpoint was taken (the OCI key for the image's creation time). */
    public static final String CREATED = "org.opencontainers.image.created";
    /** The container's id on the node it was checkpointed on; Amber's own key. */
    public static final String AMBER_CONTAINER_ID = "dev.amber.checkpoint.container.id";
    /** Bytes of the uncompressed layer, so inspect can tell the archive's size without pulling it. */
    public static final String AMBER_UNCOMPRESSED_SIZE = "dev.amber.checkpoint.layer.uncompressed-size";

    private CheckpointAnnotations() {}

    /** All three engines' keys, filled from the archive's metadata; absent values leave their keys out. */
    public static Map<String, String> of(ContainerInfo c, String architecture) {
        Map<String, String> out = new LinkedHashMap<>();
        put(out, CRIO_NAME, c.name());
        put(out, CRIO_PREFIX + "rawImageName", c.image());
        put(out, CRIO_PREFIX + "rootfsImageName", c.image());
        put(out, CRIO_PREFIX + "rootfsImageID", c.imageRef());

        put(out, CRIU_NAME, c.name());
        put(out, CRIU_POD, c.pod());
        put(out, CRIU_POD_UID, c.podUid());
        put(out, CRIU_NAMESPACE, c.namespace());
        put(out, CRIU_ENGINE, engineName(c.engine()));
        put(out, CRIU_RUNTIME, c.runtime());
        put(out, CRIU_ROOTFS_IMAGE_NAME, c.image());
        put(out, CRIU_PREFIX + "rootfsImageUserRequested", c.image());
        put(out, CRIU_ROOTFS_IMAGE_ID, c.imageRef());
        put(out, CRIU_HOST_ARCH, architecture);

        put(out, PODMAN_NAME, c.name());
        put(out, PODMAN_PREFIX + "rawImageName", c.image());
        put(out, PODMAN_PREFIX + "rootfsImageName", c.image());
        put(out, PODMAN_PREFIX + "rootfsImageID", c.imageRef());
        put(out, PODMAN_PREFIX + "runtime.name", c.runtime());
        put(out, PODMAN_PREFIX + "host.arch", architecture);

        Instant when = c.checkpointed() != null ? c.checkpointed() : c.created();
        put(out, CREATED, when == null ? null : when.toString());
        put(out, AMBER_CONTAINER_ID, c.id());
        return out;
    }

    /** The value {@code org.criu.checkpoint.engine.name} carries (checkpointctl writes these spellings). */
    public static String engineName(Engine engine) {
        return switch (engine) {
            case PODMAN -> "podman";
            case CRIO -> "cri-o";
            case CONTAINERD -> "containerd";
            case UNKNOWN -> null;
        };
    }

    public static Engine engineFrom(String name) {
        if (name == null) {
            return Engine.UNKNOWN;
        }
        return switch (name) {
            case "podman", "libpod" -> Engine.PODMAN;
            case "cri-o", "crio" -> Engine.CRIO;
            case "containerd" -> Engine.CONTAINERD;
            default -> Engine.UNKNOWN;
        };
    }

    /** True when at least one engine would treat an image with these annotations as a checkpoint. */
    public static boolean isCheckpoint(Map<String, String> annotations) {
        return annotations.containsKey(CRIO_NAME)
                || annotations.containsKey(CRIU_NAME)
                || annotations.containsKey(PODMAN_NAME);
    }

    /** The container name, from whichever engine's key is present. */
    public static String containerName(Map<String, String> annotations) {
        for (String key : new String[] {CRIU_NAME, CRIO_NAME, PODMAN_NAME}) {
            if (annotations.get(key) != null) {
                return annotations.get(key);
            }
        }
        return null;
    }

    private static void put(Map<String, String> out, String key, String value) {
        if (value != null && !value.isBlank()) {
            out.put(key, value);
        }
    }
}
