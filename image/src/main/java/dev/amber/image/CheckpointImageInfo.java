package dev.amber.image;

import dev.amber.archive.Engine;
import dev.amber.image.oci.Descriptor;
import dev.amber.image.oci.ImageConfig;
import dev.amber.image.oci.ImageManifest;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * What a checkpoint image holds, from its manifest and config alone (no layer is read).
 *
 * @param uncompressedSize bytes of the archive uncompressed, when the image records it, else -1
 * @param checkpoint whether any engine would restore this image as a checkpoint
 */
public record CheckpointImageInfo(
        ImageReference reference,
        String manifestDigest,
        String manifestMediaType,
        Descriptor layer,
        long uncompressedSize,
        String diffId,
        String architecture,
        String os,
        Instant created,
        String container,
        String pod,
        String namespace,
        String podUid,
        Engine engine,
        String runtime,
        String rootfsImage,
        String rootfsImageId,
        boolean checkpoint,
        Map<String, String> annotations) {

    static CheckpointImageInfo of(ImageReference ref, String digest, ImageManifest manifest, ImageConfig config) {
        Map<String, String> a = manifest.annotations();
        Descriptor layer = manifest.layers().isEmpty()
                ? null
                : manifest.layers().get(manifest.layers().size() - 1);
        long uncompressed = -1;
        String recorded = a.get(CheckpointAnnotations.AMBER_UNCOMPRESSED_SIZE);
        if (recorded != null) {
            try {
                uncompressed = Long.parseLong(recorded);
            } catch (NumberFormatException e) {
                uncompressed = -1;
            }
        } else if (layer != null && layer.mediaType().endsWith(".tar")) {
            uncompressed = layer.size();
        }
        Instant created = config.created();
        String createdAnnotation = a.get(CheckpointAnnotations.CREATED);
        if (createdAnnotation != null) {
            try {
                created = Instant.parse(createdAnnotation);
            } catch (DateTimeParseException e) {
                created = config.created();
            }
        }
        String rootfs = first(
                a,
                CheckpointAnnotations.CRIU_ROOTFS_IMAGE_NAME,
                CheckpointAnnotations.PODMAN_PREFIX + "rootfsImageName",
                CheckpointAnnotations.CRIO_PREFIX + "rootfsImageName");
        String rootfsId = first(
                a,
                CheckpointAnnotations.CRIU_ROOTFS_IMAGE_ID,
                CheckpointAnnotations.PODMAN_PREFIX + "rootfsImageID",
                CheckpointAnnotations.CRIO_PREFIX + "rootfsImageID");
        Engine engine = CheckpointAnnotations.engineFrom(a.get(CheckpointAnnotations.CRIU_ENGINE));
        if (engine == Engine.UNKNOWN && a.containsKey(CheckpointAnnotations.PODMAN_PREFIX + "podman.version")) {
            engine = Engine.PODMAN;
        }
        return new CheckpointImageInfo(
                ref,
                digest,
                manifest.mediaType(),
                layer,
                uncompressed,
                config.diffIds().isEmpty()
                        ? null
                        : config.diffIds().get(config.diffIds().size() - 1),
                config.architecture(),
                config.os(),
                created,
                CheckpointAnnotations.containerName(a),
                a.get(CheckpointAnnotations.CRIU_POD),
                a.get(CheckpointAnnotations.CRIU_NAMESPACE),
                a.get(CheckpointAnnotations.CRIU_POD_UID),
                engine,
                first(a, CheckpointAnnotations.CRIU_RUNTIME, CheckpointAnnotations.PODMAN_PREFIX + "runtime.name"),
                rootfs,
                rootfsId,
                CheckpointAnnotations.isCheckpoint(a),
                a);
    }

    private static String first(Map<String, String> a, String... keys) {
        for (String k : keys) {
            if (a.get(k) != null) {
                return a.get(k);
            }
        }
        return null;
    }
}
