package dev.amber.image.oci;

/** The media types a checkpoint image uses or accepts. */
public final class MediaTypes {
    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
    public static final String OCI_LAYER_TAR = "application/vnd.oci.image.layer.v1.tar";
    public static final String OCI_LAYER_TAR_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
    public static final String OCI_LAYER_TAR_ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd";
    /** Accepted when reading images other tools built (buildah commits Docker format by default). */
    public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";

    public static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    public static final String DOCKER_LAYER_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip";

    private MediaTypes() {}

    /** File-name suffix for a layer pulled back as an archive. */
    public static String archiveSuffix(String layerMediaType) {
        if (layerMediaType.endsWith("+zstd") || layerMediaType.endsWith(".zstd")) {
            return ".tar.zst";
        }
        if (layerMediaType.endsWith("gzip")) {
            return ".tar.gz";
        }
        return ".tar";
    }
}
