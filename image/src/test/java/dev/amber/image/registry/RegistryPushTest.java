package dev.amber.image.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.amber.archive.Engine;
import dev.amber.archive.synthetic.SyntheticCheckpoint;
import dev.amber.image.CheckpointImageInfo;
import dev.amber.image.CheckpointImages;
import dev.amber.image.ImageException;
import dev.amber.image.ImageReference;
import dev.amber.image.ProgressListener;
import dev.amber.image.PushOptions;
import dev.amber.image.PushResult;
import dev.amber.image.oci.Digests;
import dev.amber.testkit.registry.LocalRegistry;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The distribution client against Debian's real docker-registry, with real network faults in between. */
@Tag("registry")
class RegistryPushTest {
    @TempDir
    static Path dir;

    private static final long CHUNK = 1 << 20;
    private static LocalRegistry registry;
    private static Path archive;
    private static long archiveSize;

    @BeforeAll
    static void start() throws Exception {
        registry = LocalRegistry.start();
        byte[] memory = new byte[6 << 20];
        new Random(7).nextBytes(memory);
        archive = SyntheticCheckpoint.standard(memory)
                .engine(Engine.CRIO)
                .container("counter")
                .pod("web-0", "shop")
                .writeTar(dir.resolve("kubelet.tar"), SyntheticCheckpoint.Compression.NONE);
        archiveSize = Files.size(archive);
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    private static CheckpointImages images(RegistryOptions options) {
        return CheckpointImages.standard(options.withAuthFile(null));
    }

    private static RegistryOptions insecure() {
        return RegistryOptions.defaults()
                .withInsecure(true)
                .withChunkBytes(CHUNK)
                .withTimeout(Duration.ofSeconds(10));
    }

    @Test
    void pushInspectPullRoundTripAndNoSecondUpload() throws Exception {
        ImageReference ref = ImageReference.parse(registry.hostPort() + "/ckpt/roundtrip:v1");
        long[] lastProgress = {0};
        PushResult pushed = images(insecure())
                .push(archive, ref, PushOptions.defaults().withProgress((step, done, total) -> {
                    if (step.equals("uploading")) {
                        lastProgress[0] = done;
                    }
                }));
        assertThat(pushed.layerUploaded()).isTrue();
        assertThat(lastProgress[0]).isEqualTo(archiveSize);

        CheckpointImageInfo info = images(insecure()).inspect(ref);
        assertThat(info.manifestDigest()).isEqualTo(pushed.manifestDigest());
        assertThat(info.container()).isEqualTo("counter");
        assertThat(info.namespace()).isEqualTo("shop");
        assertThat(info.layer().size()).isEqualTo(archiveSize);
        assertThat(images(insecure())
                        .inspect(ref.withDigest(pushed.manifestDigest()))
                        .container())
                .isEqualTo("counter");

        Path back = images(insecure())
                .pull(ref, dir.resolve("back.tar"), ProgressListener.NONE)
                .archive();
        assertThat(Digests.sha256(Files.readAllBytes(back)))
                .isEqualTo(pushed.layer().digest());

        PushResult again = images(insecure())
                .push(
                        archive,
                        ImageReference.parse(registry.hostPort() + "/ckpt/roundtrip:v2"),
                        PushOptions.defaults());
        assertThat(again.layerUploaded()).isFalse();
    }

    @Test
    void aManifestDeletedByDigestIsGoneAndASecondDeletionSaysSo() throws Exception {
        ImageReference ref = ImageReference.parse(registry.hostPort() + "/ckpt/deleted:v1");
        PushResult pushed = images(insecure()).push(archive, ref, PushOptions.defaults());
        try (DockerConfigAuth anonymous = DockerConfigAuth.write(dir, null)) {
            RegistryStore store =
                    new RegistryStore(RegistryStore.newClient(insecure()), ref, insecure(), anonymous.authFiles());

            assertThat(store.deleteManifest(pushed.manifestDigest())).isTrue();
            assertThatThrownBy(() -> store.getManifest(pushed.manifestDigest()))
                    .isInstanceOf(ImageException.class)
                    .hasMessageContaining("has no image");
            assertThat(store.deleteManifest(pushed.manifestDigest())).isFalse();
        }
    }

    @Test
    void aConnectionDroppedBetweenChunksResumesFromWhereTheRegistryStands() throws Exception {
        try (FaultyProxy proxy = new FaultyProxy(
                registry.uri().getPort(), (long) (2.5 * CHUNK), FaultyProxy.Mode.DROP_ONCE_BETWEEN_CHUNKS)) {
            Path fresh = freshArchive("resume.tar", 21);
            ImageReference ref = ImageReference.parse(proxy.hostPort() + "/ckpt/resumed:v1");
            PushResult pushed = images(insecure()).push(fresh, ref, PushOptions.defaults());

            assertThat(proxy.drops()).isEqualTo(1);
            // Resumed at the registry's offset, not restarted: a restart would send the first 3 MiB again.
            assertThat(proxy.upstreamBytes()).isLessThan(Files.size(fresh) + 64 * 1024);
            assertPulledBack(registry.hostPort() + "/ckpt/resumed:v1", fresh, pushed);
        }
    }

    @Test
    void aConnectionDroppedMidChunkStillCompletesThePush() throws Exception {
        // docker-registry 2.8 cancels an upload whose chunk was cut short (its size no longer matches the
        // upload state), so the client learns the upload is gone and starts the blob again.
        try (FaultyProxy proxy =
                new FaultyProxy(registry.uri().getPort(), (long) (2.5 * CHUNK), FaultyProxy.Mode.DROP_ONCE)) {
            Path fresh = freshArchive("midchunk.tar", 22);
            ImageReference ref = ImageReference.parse(proxy.hostPort() + "/ckpt/midchunk:v1");
            PushResult pushed = images(insecure()).push(fresh, ref, PushOptions.defaults());
            assertThat(proxy.drops()).isEqualTo(1);
            assertPulledBack(registry.hostPort() + "/ckpt/midchunk:v1", fresh, pushed);
        }
    }

    @Test
    void aDownloadCutShortResumesWithARangeRequest() throws Exception {
        Path fresh = freshArchive("download.tar", 23);
        PushResult pushed = images(insecure())
                .push(fresh, ImageReference.parse(registry.hostPort() + "/ckpt/download:v1"), PushOptions.defaults());
        try (FaultyProxy proxy =
                new FaultyProxy(registry.uri().getPort(), 3 * CHUNK, FaultyProxy.Mode.DROP_ONCE_DOWNLOADING)) {
            assertPulledBack(proxy.hostPort() + "/ckpt/download:v1", fresh, pushed);
            assertThat(proxy.drops()).isEqualTo(1);
        }
    }

    @Test
    void inspectReadsTheManifestAndConfigButNotTheLayer() throws Exception {
        ImageReference direct = ImageReference.parse(registry.hostPort() + "/ckpt/inspected:v1");
        images(insecure()).push(archive, direct, PushOptions.defaults());
        try (FaultyProxy counting =
                new FaultyProxy(registry.uri().getPort(), Long.MAX_VALUE, FaultyProxy.Mode.DROP_ONCE_DOWNLOADING)) {
            CheckpointImageInfo info =
                    images(insecure()).inspect(ImageReference.parse(counting.hostPort() + "/ckpt/inspected:v1"));
            assertThat(info.layer().size()).isEqualTo(archiveSize);
            assertThat(counting.downstreamBytes()).isLessThan(32 * 1024);
        }
    }

    private static Path freshArchive(String name, int seed) throws Exception {
        byte[] memory = new byte[5 << 20];
        new Random(seed).nextBytes(memory); // a layer the registry does not have yet
        return SyntheticCheckpoint.standard(memory).writeTar(dir.resolve(name), SyntheticCheckpoint.Compression.NONE);
    }

    private static void assertPulledBack(String reference, Path original, PushResult pushed) throws Exception {
        Path back = images(insecure())
                .pull(
                        ImageReference.parse(reference),
                        dir.resolve("back-" + original.getFileName()),
                        ProgressListener.NONE)
                .archive();
        assertThat(Files.readAllBytes(back)).isEqualTo(Files.readAllBytes(original));
        assertThat(pushed.layer().size()).isEqualTo(Files.size(original));
    }

    @Test
    void aRegistryGoneMidPushFailsInOneLineAndLeavesNoTag() throws Exception {
        Path fresh = freshArchive("gone.tar", 11);
        try (FaultyProxy proxy = new FaultyProxy(registry.uri().getPort(), 2 * CHUNK, FaultyProxy.Mode.DIE)) {
            ImageReference ref = ImageReference.parse(proxy.hostPort() + "/ckpt/gone:v1");
            assertThatThrownBy(() -> images(insecure().withAttempts(3)).push(fresh, ref, PushOptions.defaults()))
                    .isInstanceOf(ImageException.class)
                    .satisfies(e -> assertThat(e.getMessage())
                            .doesNotContain("\n")
                            .contains("registry " + proxy.hostPort())
                            .contains("gave up after 3 attempts"));
        }
        assertThatThrownBy(
                        () -> images(insecure()).inspect(ImageReference.parse(registry.hostPort() + "/ckpt/gone:v1")))
                .hasMessageContaining("has no image ckpt/gone:v1");
    }

    @Test
    void anUnreachableRegistrySaysSo() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ImageReference ref = ImageReference.parse("127.0.0.1:" + port + "/ckpt/x");
        assertThatThrownBy(() -> images(insecure().withAttempts(1)).push(archive, ref, PushOptions.defaults()))
                .hasMessage("cannot reach registry 127.0.0.1:" + port + " (http://127.0.0.1:" + port
                        + "): connection refused");
    }

    @Test
    void tlsToAPlainHttpRegistryPointsAtInsecure() throws Exception {
        ImageReference ref = ImageReference.parse(registry.hostPort() + "/ckpt/x");
        assertThatThrownBy(() -> images(RegistryOptions.defaults()).inspect(ref))
                .satisfies(e -> assertThat(e.getMessage())
                        .doesNotContain("\n")
                        .contains("TLS with registry")
                        .endsWith("or pass --insecure for a plain-HTTP registry"));
    }
}
