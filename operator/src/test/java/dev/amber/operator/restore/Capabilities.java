package dev.amber.operator.restore;

import dev.amber.api.v1alpha1.RuntimeCapability;
import dev.amber.archive.Engine;
import dev.amber.image.CheckpointImageInfo;
import dev.amber.image.ImageException;
import dev.amber.image.ImageReference;
import java.util.Map;

/** What nodes' agents publish about their runtimes, as the tests' nodes carry it. */
final class Capabilities {
    /** containerd 2.3 with restore through CreateContainer turned on, as on the local cluster. */
    static final RuntimeCapability RESTORES = new RuntimeCapability(
            "containerd", "v2.3.7", true, null, "CreateContainer", null, null, "2026-12-04T10:00:00Z");
    /** containerd 2.3 as it comes: it checkpoints, but does not restore. */
    static final RuntimeCapability CHECKPOINT_ONLY = new RuntimeCapability(
            "containerd",
            "v2.3.7",
            true,
            null,
            "None",
            "restore through CreateContainer is off (enable_experimental_restore_via_create = false)",
            "set enable_experimental_restore_via_create = true in containerd's config",
            "2026-12-04T10:00:00Z");

    private Capabilities() {}

    /** What a registry says of an image: a checkpoint of {@code container} (amd64), or a plain image. */
    static CheckpointImageInfo imageOf(String reference, String container, boolean checkpoint) {
        ImageReference parsed;
        try {
            parsed = ImageReference.parse(reference);
        } catch (ImageException e) {
            throw new IllegalArgumentException(e);
        }
        return new CheckpointImageInfo(
                parsed,
                reference.substring(reference.indexOf('@') + 1),
                "application/vnd.oci.image.manifest.v1+json",
                null,
                -1,
                null,
                "amd64",
                "linux",
                null,
                container,
                "web",
                "shop",
                null,
                Engine.CONTAINERD,
                "runc",
                null,
                null,
                checkpoint,
                Map.of());
    }
}
