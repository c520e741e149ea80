package dev.amber.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amber.image.oci.Json;
import dev.amber.image.oci.MediaTypes;
import dev.amber.image.registry.RegistryOptions;
import dev.amber.testkit.podman.Podman;
import dev.amber.testkit.podman.PodmanCheckpoints;
import dev.amber.testkit.podman.PodmanCheckpoints.Compression;
import dev.amber.testkit.registry.LocalRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Images amber pushed, restored by a real engine: Podman pulls the image and restores the counter
 * container from it, or restores the archive amber pulled back. The counter must go on from where the
 * checkpoint stopped it, not start again.
 */
@Tag("registry")
@Tag("podman")
class PodmanRestoreTest {
    private static final Duration RESTORE_TIMEOUT = Duration.ofSeconds(30);
    private static final String COUNTER = "i=0; while :; do echo $i; i=$((i+1)); sleep 0.2; done";
    private static LocalRegistry registry;
    private static final CheckpointImages IMAGES =
            CheckpointImages.standard(RegistryOptions.defaults().withInsecure(true));

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        registry = LocalRegistry.start();
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void podmanRestoresTheCounterFromTheImageAmberPushed(Compression compression) throws Exception {
        Path archive = PodmanCheckpoints.counterArchive(compression);
        long stoppedAt = PodmanCheckpoints.counterAtCheckpoint(archive);
        String ref = registry.hostPort() + "/ckpt/counter-" + compression.name().toLowerCase(Locale.ROOT) + ":v1";
        IMAGES.push(archive, ImageReference.parse(ref), PushOptions.defaults());

        Podman.run("pull", "--quiet", "--tls-verify=false", ref);
        String name = Podman.uniqueName("image-restore");
        try {
            Podman.run(Duration.ofMinutes(2), "container", "restore", "--name", name, ref);
            assertCounterContinues(name, stoppedAt);
        } finally {
            Podman.remove(name);
            Podman.run("image", "rm", "--force", ref);
        }
    }

    @Test
    void theArchiveAmberPullsBackRestoresWithImport() throws Exception {
        Path archive = PodmanCheckpoints.counterArchive(Compression.NONE);
        long stoppedAt = PodmanCheckpoints.counterAtCheckpoint(archive);
        ImageReference ref = ImageReference.parse(registry.hostPort() + "/ckpt/counter-plain:v1");
        PushResult pushed = IMAGES.push(archive, ref, PushOptions.defaults());
        assertThat(pushed.layer().mediaType()).isEqualTo(MediaTypes.OCI_LAYER_TAR);

        Path pulled = IMAGES.pull(ref, dir, ProgressListener.NONE).archive();
        String name = PodmanCheckpoints.restore(pulled, "pulled-restore");
        try {
            assertCounterContinues(name, stoppedAt);
        } finally {
            Podman.remove(name);
        }
    }

    @Test
    void skopeoSeesAnOciManifestWithEveryEnginesCheckpointAnnotations() throws Exception {
        Path archive = PodmanCheckpoints.counterArchive(Compression.ZSTD);
        String ref = registry.hostPort() + "/ckpt/counter-skopeo:v1";
        IMAGES.push(archive, ImageReference.parse(ref), PushOptions.defaults());

        JsonNode manifest = Json.parse(
                run("skopeo", "inspect", "--raw", "--tls-verify=false", "docker://" + ref)
                        .getBytes(StandardCharsets.UTF_8),
                "skopeo output");
        assertThat(manifest.path("mediaType").asText()).isEqualTo(MediaTypes.OCI_MANIFEST);
        assertThat(manifest.path("layers").path(0).path("mediaType").asText()).isEqualTo(MediaTypes.OCI_LAYER_TAR_ZSTD);
        JsonNode annotations = manifest.path("annotations");
        String container = annotations.path(CheckpointAnnotations.PODMAN_NAME).asText();
        assertThat(container).startsWith("amber-test-counter-");
        for (String key : List.of(
                CheckpointAnnotations.CRIO_NAME, CheckpointAnnotations.CRIU_NAME, CheckpointAnnotations.PODMAN_NAME)) {
            assertThat(annotations.path(key).asText()).as(key).isEqualTo(container);
        }
        assertThat(annotations.path(CheckpointAnnotations.CRIU_ENGINE).asText()).isEqualTo("podman");
        assertThat(annotations.path(CheckpointAnnotations.CRIU_RUNTIME).asText())
                .isEqualTo("runc");
        assertThat(annotations
                        .path(CheckpointAnnotations.CRIU_ROOTFS_IMAGE_NAME)
                        .asText())
                .isEqualTo(Podman.TEST_IMAGE);
    }

    @Test
    void skopeoCopiesAnOciArchiveAmberWroteAndAmberReadsWhatSkopeoWrote() throws Exception {
        Path archive = PodmanCheckpoints.counterArchive(Compression.ZSTD);
        Path ociArchive = dir.resolve("moved.tar");
        PushResult pushed =
                IMAGES.push(archive, ImageReference.parse("oci-archive:" + ociArchive + ":v1"), PushOptions.defaults());

        String ref = registry.hostPort() + "/ckpt/carried:v1";
        run("skopeo", "copy", "--dest-tls-verify=false", "oci-archive:" + ociArchive + ":v1", "docker://" + ref);
        assertThat(IMAGES.inspect(ImageReference.parse(ref)).manifestDigest()).isEqualTo(pushed.manifestDigest());

        Path layout = dir.resolve("skopeo-layout");
        run("skopeo", "copy", "--src-tls-verify=false", "docker://" + ref, "oci:" + layout + ":back");
        Path back = IMAGES.pull(
                        ImageReference.parse("oci:" + layout + ":back"),
                        dir.resolve("back.tar.zst"),
                        ProgressListener.NONE)
                .archive();
        assertThat(Files.readAllBytes(back)).isEqualTo(Files.readAllBytes(archive));
    }

    @Test
    void amberReadsAndPullsTheImagePodmanCreatesAndPodmanRestoresThatArchive() throws Exception {
        String name = Podman.startTestContainer("podman-image", "sh", "-c", COUNTER);
        Podman.awaitLogs(
                name,
                RESTORE_TIMEOUT,
                l -> PodmanCheckpoints.lastCounterValue(l).orElse(-1) >= 5);
        String local =
                "localhost/amber-test/podman-made-" + ProcessHandle.current().pid() + ":v1";
        String ref = registry.hostPort() + "/ckpt/podman-made:v1";
        long stoppedAt;
        try {
            Podman.run(Duration.ofMinutes(2), "container", "checkpoint", "--create-image", local, name);
            stoppedAt = PodmanCheckpoints.lastCounterValue(Podman.logs(name)).orElseThrow();
            Podman.run("push", "--quiet", "--tls-verify=false", local, "docker://" + ref);
        } finally {
            Podman.remove(name);
            Podman.run("image", "rm", "--force", "--ignore", local);
        }

        CheckpointImageInfo info = IMAGES.inspect(ImageReference.parse(ref));
        assertThat(info.checkpoint()).isTrue();
        assertThat(info.container()).isEqualTo(name);
        assertThat(info.engine()).isEqualTo(dev.amber.archive.Engine.PODMAN);

        Path pulled = IMAGES.pull(ImageReference.parse(ref), dir, ProgressListener.NONE)
                .archive();
        String restored = PodmanCheckpoints.restore(pulled, "podman-image-restore");
        try {
            assertCounterContinues(restored, stoppedAt);
        } finally {
            Podman.remove(restored);
        }
    }

    /**
     * The restored container's first number must be the one after the checkpoint's last (or, when the old
     * log came back with it, the log must hold the old numbers): a container that started afresh would
     * print 0 first. Then it must keep counting without a gap.
     */
    private static void assertCounterContinues(String container, long stoppedAt) {
        String log = Podman.awaitLogs(
                container,
                RESTORE_TIMEOUT,
                l -> !PodmanCheckpoints.counterValues(l).isEmpty());
        List<Long> first = PodmanCheckpoints.counterValues(log);
        assertThat(first.get(0) == stoppedAt + 1 || first.contains(stoppedAt))
                .as("first numbers after restore %s, checkpoint stopped at %d", first, stoppedAt)
                .isTrue();
        String later = Podman.awaitLogs(
                container,
                RESTORE_TIMEOUT,
                l -> PodmanCheckpoints.lastCounterValue(l).orElse(-1) >= stoppedAt + 3);
        List<Long> values = PodmanCheckpoints.counterValues(later);
        assertThat(values).contains(stoppedAt + 1);
        for (int i = 1; i < values.size(); i++) {
            assertThat(values.get(i)).as("counter values %s", values).isEqualTo(values.get(i - 1) + 1);
        }
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(false).start();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed: " + err);
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
