package dev.amber.image;

import dev.amber.archive.ArchiveFormat;
import dev.amber.archive.Checkpoint;
import dev.amber.archive.CheckpointReader;
import dev.amber.archive.ReadPart;
import dev.amber.image.layout.OciArchiveStore;
import dev.amber.image.layout.OciLayoutStore;
import dev.amber.image.oci.Descriptor;
import dev.amber.image.oci.Digests;
import dev.amber.image.oci.ImageConfig;
import dev.amber.image.oci.ImageManifest;
import dev.amber.image.oci.MediaTypes;
import dev.amber.image.registry.AuthFiles;
import dev.amber.image.registry.RegistryOptions;
import dev.amber.image.registry.RegistryStore;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Checkpoint archives as OCI images: push, pull and inspect. The library API the CLI, the node agent
 * and the operator share; where images are kept comes from {@link ImageStores}, the seam tests replace.
 */
public final class CheckpointImages {
    private final ImageStores stores;

    public CheckpointImages(ImageStores stores) {
        this.stores = stores;
    }

    /** Registries (per {@code options}) plus the {@code oci:} and {@code oci-archive:} layouts. */
    public static CheckpointImages standard(RegistryOptions options) {
        HttpClient client = RegistryStore.newClient(options);
        AuthFiles authFiles = AuthFiles.standard(options.authFile(), System.getenv());
        return new CheckpointImages((ref, forPush) -> switch (ref.transport()) {
            case REGISTRY -> new RegistryStore(client, ref, options, authFiles);
            case OCI_LAYOUT -> OciLayoutStore.open(ref.layoutPath(), forPush);
            case OCI_ARCHIVE ->
                forPush ? OciArchiveStore.create(ref.layoutPath()) : OciArchiveStore.open(ref.layoutPath());
        });
    }

    /**
     * Pushes a checkpoint archive as a one-layer image. The archive is the layer as it is (a plain tar as
     * {@code tar}, zstd as {@code tar+zstd}, gzip as {@code tar+gzip}), never copied or recompressed, and
     * hashed in the same read that uploads it (a compressed archive is also decompressed once, beside the
     * upload, for its diff_id). The manifest goes last, after every blob is confirmed stored, so a failure
     * leaves no tag pointing at a half image.
     */
    public PushResult push(Path archive, ImageReference ref, PushOptions options) throws IOException {
        if (ref.digest() != null) {
            throw new ImageException("cannot push to a digest reference (" + ref + "): name a tag");
        }
        ArchiveFormat format = ArchiveFormat.detect(archive);
        String layerType = switch (format) {
            case TAR -> MediaTypes.OCI_LAYER_TAR;
            case TAR_ZSTD -> MediaTypes.OCI_LAYER_TAR_ZSTD;
            case TAR_GZIP -> MediaTypes.OCI_LAYER_TAR_GZIP;
            case DIRECTORY ->
                throw new ImageException(
                        archive + " is a directory; push a checkpoint archive (tar -C DIR -cf FILE.tar .)");
        };
        Checkpoint checkpoint = CheckpointReader.read(archive, ReadPart.of());
        String architecture = ImageConfig.hostArchitecture();
        Map<String, String> annotations =
                new LinkedHashMap<>(CheckpointAnnotations.of(checkpoint.container(), architecture));
        annotations.putAll(options.extraAnnotations());
        if (!CheckpointAnnotations.isCheckpoint(annotations)) {
            throw new ImageException(archive + " records no container name, which every engine needs to restore it");
        }
        long size = Files.size(archive);
        // A compressed archive's diff_id needs a decompressing pass; it runs beside the upload.
        CompletableFuture<LayerDigests> uncompressed = format == ArchiveFormat.TAR
                ? null
                : CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                return LayerDigests.uncompressed(archive, format);
                            } catch (IOException e) {
                                throw new CompletionException(e);
                            }
                        },
                        task -> Thread.ofPlatform()
                                .daemon()
                                .name("amber-diff-id")
                                .start(task));
        try (ImageStore store = stores.open(ref, true)) {
            boolean uploaded;
            String layerDigest = DigestCache.lookup(archive);
            if (layerDigest != null) {
                Descriptor known = new Descriptor(layerType, layerDigest, size);
                uploaded = !store.hasBlob(known);
                if (uploaded) {
                    store.putBlob(known, BlobContent.ofFile(archive, size), options.progress());
                }
            } else {
                layerDigest = store.putBlobComputingDigest(
                        layerType, new HashingFileContent(archive, size), options.progress());
                DigestCache.remember(archive, layerDigest);
                uploaded = true;
            }
            Descriptor layer = new Descriptor(layerType, layerDigest, size);
            String diffId = layerDigest;
            if (uncompressed != null) {
                LayerDigests plain = join(uncompressed);
                diffId = plain.diffId();
                annotations.put(CheckpointAnnotations.AMBER_UNCOMPRESSED_SIZE, Long.toString(plain.uncompressedSize()));
            }
            Instant created = checkpoint.container().checkpointed() != null
                    ? checkpoint.container().checkpointed()
                    : checkpoint.container().created();
            byte[] configJson = new ImageConfig(architecture, "linux", created, List.of(diffId)).toJson();
            Descriptor config = new Descriptor(MediaTypes.OCI_CONFIG, Digests.sha256(configJson), configJson.length);
            if (!store.hasBlob(config)) {
                store.putBlob(config, BlobContent.ofBytes(configJson), ProgressListener.NONE);
            }
            for (Descriptor blob : List.of(layer, config)) {
                if (!store.hasBlob(blob)) {
                    throw new ImageException(store.describe() + " does not hold blob " + blob.digest()
                            + " after it was uploaded; the manifest was not pushed");
                }
            }
            byte[] manifest = ImageManifest.toJson(config, List.of(layer), annotations);
            String digest = store.putManifest(ref.tag(), manifest, MediaTypes.OCI_MANIFEST);
            return new PushResult(ref.withDigest(digest), digest, layer, diffId, config, uploaded, annotations);
        } finally {
            if (uncompressed != null) {
                uncompressed.cancel(true);
            }
        }
    }

    private static LayerDigests join(CompletableFuture<LayerDigests> future) throws IOException {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw e;
        }
    }

    /** Reads the manifest and config only: what the image holds, without its layer. */
    public CheckpointImageInfo inspect(ImageReference ref) throws IOException {
        try (ImageStore store = stores.open(ref, false)) {
            return inspect(store, ref);
        }
    }

    private static CheckpointImageInfo inspect(ImageStore store, ImageReference ref) throws IOException {
        ImageStore.FetchedManifest fetched = store.getManifest(ref.manifestReference());
        ImageManifest manifest = ImageManifest.parse(fetched.bytes(), ref.toString());
        ImageConfig config = ImageConfig.parse(store.getSmallBlob(manifest.config()), ref.toString());
        return CheckpointImageInfo.of(ref, fetched.digest(), manifest, config);
    }

    /**
     * Gets the checkpoint archive back: the layer, written as it was pushed, checked against its digest.
     *
     * @param output the archive file to write, or a directory to write it into (named after the
     *     container), or null for the current directory
     */
    public PullResult pull(ImageReference ref, Path output, ProgressListener progress) throws IOException {
        try (ImageStore store = stores.open(ref, false)) {
            CheckpointImageInfo info = inspect(store, ref);
            if (!info.checkpoint()) {
                throw new ImageException(
                        ref + " is not a checkpoint image (its manifest has no checkpoint annotations)");
            }
            if (info.layer() == null) {
                throw new ImageException(ref + " has no layer");
            }
            Path target = targetFile(output, info);
            Path partial = target.resolveSibling(target.getFileName() + ".partial");
            try {
                store.getBlob(info.layer(), partial, progress == null ? ProgressListener.NONE : progress);
                try {
                    Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(partial);
            }
            return new PullResult(target, info);
        }
    }

    private static Path targetFile(Path output, CheckpointImageInfo info) throws ImageException {
        Path dir = output == null ? Path.of("") : output;
        if (output != null && !Files.isDirectory(output)) {
            Path parent = output.toAbsolutePath().getParent();
            if (parent != null && !Files.isDirectory(parent)) {
                throw new ImageException("cannot write " + output + ": " + parent + " is not a directory");
            }
            return output;
        }
        String name = info.container() == null ? "checkpoint" : info.container().replaceAll("[^A-Za-z0-9_.-]", "_");
        return dir.resolve(
                name + "-checkpoint" + MediaTypes.archiveSuffix(info.layer().mediaType()));
    }
}
