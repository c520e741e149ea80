package dev.amber.image;

import dev.amber.archive.ArchiveFormat;
import dev.amber.archive.Checkpoint;
import dev.amber.archive.CheckpointReader;
import dev.amber.archive.ReadPart;
import dev.amber.image.layout.OciArchiveStore;
import dev.amber.image.layout.OciLayoutStore;
import dev.amber.image.oci.Descriptor;
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
            case OCI_ARCHIVE -> forPush ? OciArchiveStore.create(ref.layoutPath()) : OciArchiveStore.open(ref.layoutPath());
        });
    }

    /**
     * Pushes a checkpoint archive as a one-layer image. The archive is the layer as it is (a plain tar as
     * {@code tar}, zstd as {@code tar+zstd}, gzip as {@code tar+gzip}): it is read once to hash it and once
     * to send it, never copied or recompressed. The manifest goes last, after every blob is confirmed
     * stored, so a failure leaves no tag pointing at a half image.
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
            case DIRECTORY -> throw new ImageException(archive + " is a directory; push a checkpoint archive (tar -C DIR -cf FILE.tar .)");
        };
        Checkpoint checkpoint = CheckpointReader.read(archive, ReadPart.of());
        String architecture = ImageConfig.hostArchitecture();

        LayerDigests digests = LayerDigests.of(archive, format, options.progress());
        Descriptor layer = new Descriptor(layerType, digests.digest(), digests.size());
        Instant created = checkpoint.container().checkpointed() != null ? checkpoint.container().checkpointed()
                : checkpoint.container().created();
        byte[] configJson = new ImageConfig(architecture, "linux", created, List.of(digests.diffId())).toJson();
        Descriptor config = new Descriptor(MediaTypes.OCI_CONFIG, dev.amber.image.oci.Digests.sha256(configJson), configJson.length);

        Map<String, String> annotations = new LinkedHashMap<>(CheckpointAnnotations.of(checkpoint.container(), architecture));
        if (format != ArchiveFormat.TAR) {
            annotations.put(CheckpointAnnotations.AMBER_UNCOMPRESSED_SIZE, Long.toString(digests.uncompressedSize()));
        }
        annotations.putAll(options.extraAnnotations());
        if (!CheckpointAnnotations.isCheckpoint(annotations)) {
            throw new ImageException(archive + " records no container name, which every engine needs to restore it");
        }
        byte[] manifest = ImageManifest.toJson(config, List.of(layer), annotations);

        try (ImageStore store = stores.open(ref, true)) {
            boolean uploaded = false;
            if (!store.hasBlob(layer)) {
                store.putBlob(layer, BlobContent.ofFile(archive, digests.size()), options.progress());
                uploaded = true;
            }
            if (!store.hasBlob(config)) {
                store.putBlob(config, BlobContent.ofBytes(configJson), ProgressListener.NONE);
            }
            for (Descriptor blob : List.of(layer, config)) {
                if (!store.hasBlob(blob)) {
                    throw new ImageException(store.describe() + " does not hold blob " + blob.digest()
                            + " after it was uploaded; the manifest was not pushed");
                }
            }
            String digest = store.putManifest(ref.tag(), manifest, MediaTypes.OCI_MANIFEST);
            return new PushResult(ref.withDigest(digest), digest, layer, digests.diffId(), config, uploaded, annotations);
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
                throw new ImageException(ref + " is not a checkpoint image (its manifest has no checkpoint annotations)");
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
        return dir.resolve(name + "-checkpoint" + MediaTypes.archiveSuffix(info.layer().mediaType()));
    }
}
