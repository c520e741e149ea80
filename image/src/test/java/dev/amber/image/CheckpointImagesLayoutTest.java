package dev.amber.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.amber.archive.Engine;
import dev.amber.archive.synthetic.SyntheticCheckpoint;
import dev.amber.image.layout.OciLayoutStore;
import dev.amber.image.oci.Descriptor;
import dev.amber.image.oci.Digests;
import dev.amber.image.oci.ImageConfig;
import dev.amber.image.oci.ImageManifest;
import dev.amber.image.oci.MediaTypes;
import dev.amber.image.registry.RegistryOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Push, inspect and pull against OCI layouts: the same code path as a registry push, on real files,
 * with synthetic checkpoint archives from the archive library (no container engine needed).
 */
class CheckpointImagesLayoutTest {
    @TempDir
    Path dir;

    private final CheckpointImages images = CheckpointImages.standard(RegistryOptions.defaults());

    private static byte[] memory(int bytes) {
        byte[] data = new byte[bytes];
        new Random(42).nextBytes(data);
        return data;
    }

    private Path archive(String name, Engine engine, SyntheticCheckpoint.Compression compression) throws IOException {
        return SyntheticCheckpoint.standard(memory(300_000))
                .engine(engine)
                .container("counter")
                .pod("web-0", "shop")
                .writeTar(dir.resolve(name), compression);
    }

    @Test
    void kubeletArchiveBecomesAnUncompressedLayerWithEveryEnginesAnnotations() throws Exception {
        Path archive = archive("kubelet.tar", Engine.CRIO, SyntheticCheckpoint.Compression.NONE);
        ImageReference ref = ImageReference.parse("oci:" + dir.resolve("layout") + ":ckpt");

        PushResult pushed = images.push(archive, ref, PushOptions.defaults());

        String fileDigest = Digests.sha256(Files.readAllBytes(archive));
        assertThat(pushed.layer().mediaType()).isEqualTo(MediaTypes.OCI_LAYER_TAR);
        assertThat(pushed.layer().digest()).isEqualTo(fileDigest);
        assertThat(pushed.diffId()).isEqualTo(fileDigest);
        assertThat(pushed.annotations())
                .containsEntry(CheckpointAnnotations.CRIO_NAME, "counter")
                .containsEntry(CheckpointAnnotations.CRIU_NAME, "counter")
                .containsEntry(CheckpointAnnotations.PODMAN_NAME, "counter")
                .containsEntry(CheckpointAnnotations.CRIU_POD, "web-0")
                .containsEntry(CheckpointAnnotations.CRIU_NAMESPACE, "shop")
                .containsEntry(CheckpointAnnotations.CRIU_ENGINE, "cri-o");

        try (OciLayoutStore layout = OciLayoutStore.open(dir.resolve("layout"), false)) {
            ImageStore.FetchedManifest fetched = layout.getManifest("ckpt");
            assertThat(fetched.digest()).isEqualTo(pushed.manifestDigest());
            ImageManifest manifest = ImageManifest.parse(fetched.bytes(), "test");
            assertThat(manifest.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
            assertThat(manifest.layers()).containsExactly(pushed.layer());
            ImageConfig config = ImageConfig.parse(layout.getSmallBlob(manifest.config()), "test");
            assertThat(config.diffIds()).containsExactly(fileDigest);
            assertThat(config.os()).isEqualTo("linux");
        }

        CheckpointImageInfo info = images.inspect(ref);
        assertThat(info.container()).isEqualTo("counter");
        assertThat(info.pod()).isEqualTo("web-0");
        assertThat(info.namespace()).isEqualTo("shop");
        assertThat(info.engine()).isEqualTo(Engine.CRIO);
        assertThat(info.uncompressedSize()).isEqualTo(Files.size(archive));

        PullResult pulled = images.pull(ref, dir.resolve("back"), ProgressListener.NONE);
        assertThat(pulled.archive()).isEqualTo(dir.resolve("back"));
        assertThat(Files.readAllBytes(pulled.archive())).isEqualTo(Files.readAllBytes(archive));
    }

    @Test
    void compressedArchivesKeepTheirCompressionAndGetTheDiffIdOfTheUncompressedTar() throws Exception {
        Path plain = archive("plain.tar", Engine.PODMAN, SyntheticCheckpoint.Compression.NONE);
        String plainDigest = Digests.sha256(Files.readAllBytes(plain));
        for (var compression : new SyntheticCheckpoint.Compression[] {
            SyntheticCheckpoint.Compression.ZSTD, SyntheticCheckpoint.Compression.GZIP
        }) {
            Path archive = archive("podman-" + compression, Engine.PODMAN, compression);
            ImageReference ref = ImageReference.parse(
                    "oci:" + dir.resolve("layout") + ":" + compression.name().toLowerCase(Locale.ROOT));
            PushResult pushed = images.push(archive, ref, PushOptions.defaults());

            assertThat(pushed.layer().mediaType())
                    .isEqualTo(
                            compression == SyntheticCheckpoint.Compression.ZSTD
                                    ? MediaTypes.OCI_LAYER_TAR_ZSTD
                                    : MediaTypes.OCI_LAYER_TAR_GZIP);
            assertThat(pushed.layer().digest()).isEqualTo(Digests.sha256(Files.readAllBytes(archive)));
            assertThat(pushed.diffId()).isEqualTo(plainDigest);
            assertThat(images.inspect(ref).uncompressedSize()).isEqualTo(Files.size(plain));

            PullResult pulled = images.pull(ref, dir, ProgressListener.NONE);
            assertThat(pulled.archive().getFileName().toString())
                    .isEqualTo(
                            compression == SyntheticCheckpoint.Compression.ZSTD
                                    ? "counter-checkpoint.tar.zst"
                                    : "counter-checkpoint.tar.gz");
            assertThat(Files.readAllBytes(pulled.archive())).isEqualTo(Files.readAllBytes(archive));
        }
    }

    @Test
    void ociArchiveRoundTripForAirGappedMoves() throws Exception {
        Path archive = archive("c.tar.zst", Engine.CONTAINERD, SyntheticCheckpoint.Compression.ZSTD);
        ImageReference ref = ImageReference.parse("oci-archive:" + dir.resolve("image.tar") + ":moved");
        PushResult pushed = images.push(archive, ref, PushOptions.defaults());
        assertThat(dir.resolve("image.tar")).isRegularFile();
        assertThat(dir.resolve("image.tar.partial")).doesNotExist();

        CheckpointImageInfo info = images.inspect(ref);
        assertThat(info.manifestDigest()).isEqualTo(pushed.manifestDigest());
        assertThat(info.engine()).isEqualTo(Engine.CONTAINERD);
        Path back = images.pull(ref, dir.resolve("back.tar.zst"), ProgressListener.NONE)
                .archive();
        assertThat(Files.readAllBytes(back)).isEqualTo(Files.readAllBytes(archive));
    }

    @Test
    void aSecondPushDoesNotStoreTheLayerAgain() throws Exception {
        Path archive = archive("k.tar", Engine.CRIO, SyntheticCheckpoint.Compression.NONE);
        var xattrs = Files.getFileAttributeView(archive, UserDefinedFileAttributeView.class);
        org.junit.jupiter.api.Assumptions.assumeTrue(
                xattrs != null && canWriteXattr(xattrs),
                "the digest cache needs user extended attributes, which " + dir + " does not support");
        ImageReference ref = ImageReference.parse("oci:" + dir.resolve("layout"));
        assertThat(images.push(archive, ref, PushOptions.defaults()).layerUploaded())
                .isTrue();
        assertThat(images.push(archive, ref.withDigest(null), PushOptions.defaults())
                        .layerUploaded())
                .isFalse();
    }

    private static boolean canWriteXattr(UserDefinedFileAttributeView view) {
        try {
            view.write("amber.probe", ByteBuffer.wrap(new byte[] {1}));
            view.delete("amber.probe");
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    @Test
    void aFailedLayerUploadLeavesNoTag() throws Exception {
        Path archive = archive("k.tar", Engine.CRIO, SyntheticCheckpoint.Compression.NONE);
        Path layoutDir = dir.resolve("layout");
        // The seam: a real layout whose blob writes fail, as a registry going away would fail them.
        CheckpointImages failing =
                new CheckpointImages((ref, forPush) -> new FailingBlobs(OciLayoutStore.open(layoutDir, true)));
        ImageReference ref = ImageReference.parse("oci:" + layoutDir + ":half");
        assertThatThrownBy(() -> failing.push(archive, ref, PushOptions.defaults()))
                .hasMessage("disk gone");
        assertThatThrownBy(() -> images.inspect(ref)).hasMessageContaining("has no image tagged half");
    }

    @Test
    void inputThatIsNotACheckpointIsRefusedBeforeAnythingIsStored() throws Exception {
        ImageReference ref = ImageReference.parse("oci:" + dir.resolve("layout"));
        Path missing = dir.resolve("missing.tar");
        assertThatThrownBy(() -> images.push(missing, ref, PushOptions.defaults()))
                .hasMessage(missing + ": no such file or directory");
        Path junk = Files.write(dir.resolve("junk.bin"), memory(4096));
        assertThatThrownBy(() -> images.push(junk, ref, PushOptions.defaults()))
                .hasMessageContaining("not a checkpoint archive");
        Path notCheckpoint = dir.resolve("other.tar");
        try (var tar = new dev.amber.archive.synthetic.TarWriter(Files.newOutputStream(notCheckpoint))) {
            tar.file("hello.txt", "hi".getBytes());
        }
        assertThatThrownBy(() -> images.push(notCheckpoint, ref, PushOptions.defaults()))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").contains("other.tar"));
        assertThat(dir.resolve("layout")).doesNotExist();
    }

    @Test
    void pullRefusesAnImageThatIsNotACheckpoint() throws Exception {
        Path layoutDir = dir.resolve("layout");
        byte[] layer = "not a checkpoint".getBytes();
        byte[] config = new ImageConfig("amd64", "linux", null, List.of(Digests.sha256(layer))).toJson();
        Descriptor layerD = new Descriptor(MediaTypes.OCI_LAYER_TAR, Digests.sha256(layer), layer.length);
        Descriptor configD = new Descriptor(MediaTypes.OCI_CONFIG, Digests.sha256(config), config.length);
        try (OciLayoutStore store = OciLayoutStore.open(layoutDir, true)) {
            store.putBlob(layerD, BlobContent.ofBytes(layer), ProgressListener.NONE);
            store.putBlob(configD, BlobContent.ofBytes(config), ProgressListener.NONE);
            store.putManifest(
                    "plain", ImageManifest.toJson(configD, List.of(layerD), Map.of()), MediaTypes.OCI_MANIFEST);
        }
        ImageReference ref = ImageReference.parse("oci:" + layoutDir + ":plain");
        assertThat(images.inspect(ref).checkpoint()).isFalse();
        assertThatThrownBy(() -> images.pull(ref, dir.resolve("out.tar"), ProgressListener.NONE))
                .hasMessageContaining("is not a checkpoint image");
    }

    /** A store whose layer uploads fail part-way. */
    private record FailingBlobs(OciLayoutStore delegate) implements ImageStore {
        @Override
        public boolean hasBlob(Descriptor blob) throws IOException {
            return delegate.hasBlob(blob);
        }

        @Override
        public void putBlob(Descriptor blob, BlobContent content, ProgressListener progress) throws IOException {
            throw new ImageException("disk gone");
        }

        @Override
        public String putManifest(String tag, byte[] manifest, String mediaType) throws IOException {
            return delegate.putManifest(tag, manifest, mediaType);
        }

        @Override
        public FetchedManifest getManifest(String reference) throws IOException {
            return delegate.getManifest(reference);
        }

        @Override
        public byte[] getSmallBlob(Descriptor blob) throws IOException {
            return delegate.getSmallBlob(blob);
        }

        @Override
        public void getBlob(Descriptor blob, Path target, ProgressListener progress) throws IOException {
            delegate.getBlob(blob, target, progress);
        }

        @Override
        public String describe() {
            return delegate.describe();
        }

        @Override
        public void close() throws IOException {
            delegate.close();
        }
    }
}
