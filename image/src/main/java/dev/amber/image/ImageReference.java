package dev.amber.image;

import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where a checkpoint image lives, in the transport syntax of skopeo and Podman:
 * <ul>
 *   <li>{@code [docker://]HOST[:PORT]/REPO[:TAG][@sha256:HEX]}: a registry. As in Docker, a first
 *       component without a dot or colon (and not {@code localhost}) is not a host: such names go to
 *       {@code docker.io}, one-component names under {@code library/}.</li>
 *   <li>{@code oci:DIR[:TAG]}: an OCI image layout directory.</li>
 *   <li>{@code oci-archive:FILE[:TAG]}: an OCI image layout in a tar file, for air-gapped moves.</li>
 * </ul>
 *
 * @param registry host[:port] for a registry reference, null for a layout
 * @param repository repository path in the registry, null for a layout
 * @param layoutPath directory or tar file for a layout reference, null for a registry
 * @param tag the tag, or null when only a digest is given
 * @param digest {@code sha256:...} when the reference pins one, else null
 */
public record ImageReference(
        Transport transport, String registry, String repository, Path layoutPath, String tag, String digest) {

    public enum Transport {
        REGISTRY,
        OCI_LAYOUT,
        OCI_ARCHIVE
    }

    public static final String DEFAULT_TAG = "latest";
    static final String DOCKER_HUB = "docker.io";

    private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final Pattern DIGEST = Pattern.compile("sha256:[a-f0-9]{64}");
    private static final Pattern HOST =
            Pattern.compile("(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\\.?)+(?::[0-9]{1,5})?"
                    + "|\\[[0-9A-Fa-f:.]+\\](?::[0-9]{1,5})?");

    /** Parses a reference; throws {@link ImageException} naming what is wrong with it. */
    // One branch per rule of the reference grammar, each with its own message, read top to bottom.
    @SuppressWarnings("checkstyle:CyclomaticComplexity")
    public static ImageReference parse(String text) throws ImageException {
        if (text == null || text.isBlank()) {
            throw new ImageException("empty image reference");
        }
        if (text.startsWith("oci:")) {
            return layout(Transport.OCI_LAYOUT, text, text.substring(4));
        }
        if (text.startsWith("oci-archive:")) {
            return layout(Transport.OCI_ARCHIVE, text, text.substring(12));
        }
        String rest = text.startsWith("docker://") ? text.substring(9) : text;
        if (rest.contains("://")) {
            throw new ImageException(
                    "bad image reference '" + text + "': unknown transport (use docker://, oci: or oci-archive:)");
        }
        String digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = rest.substring(at + 1);
            rest = rest.substring(0, at);
            if (!DIGEST.matcher(digest).matches()) {
                throw new ImageException(
                        "bad image reference '" + text + "': digest must be sha256: and 64 lower-case hex digits");
            }
        }
        String tag = null;
        int colon = rest.lastIndexOf(':');
        if (colon > rest.lastIndexOf('/')) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
            if (!TAG.matcher(tag).matches()) {
                throw new ImageException("bad image reference '" + text + "': bad tag '" + tag + "'");
            }
        }
        String registry;
        String repository;
        int slash = rest.indexOf('/');
        String first = slash < 0 ? rest : rest.substring(0, slash);
        if (slash >= 0
                && (first.contains(".") || first.contains(":") || first.equals("localhost") || first.startsWith("["))) {
            registry = first;
            repository = rest.substring(slash + 1);
            if (!HOST.matcher(registry).matches()) {
                throw new ImageException("bad image reference '" + text + "': bad registry host '" + registry + "'");
            }
        } else {
            registry = DOCKER_HUB;
            repository = slash < 0 ? "library/" + rest : rest;
        }
        if (repository.isEmpty()) {
            throw new ImageException("bad image reference '" + text + "': no repository name");
        }
        for (String component : repository.split("/", -1)) {
            if (!COMPONENT.matcher(component).matches()) {
                throw new ImageException(
                        "bad image reference '" + text + "': repository names are lower-case letters, digits"
                                + " and separators (. _ -), got '" + repository + "'");
            }
        }
        if (registry.equals(DOCKER_HUB) || registry.equals("index.docker.io")) {
            registry = DOCKER_HUB;
        }
        if (tag == null && digest == null) {
            tag = DEFAULT_TAG;
        }
        return new ImageReference(Transport.REGISTRY, registry, repository, null, tag, digest);
    }

    private static ImageReference layout(Transport transport, String text, String spec) throws ImageException {
        // The tag follows the last colon, unless that colon is part of the path (a path never ends in a tag).
        String path = spec;
        String tag = null;
        int colon = spec.lastIndexOf(':');
        if (colon >= 0 && colon > spec.lastIndexOf('/')) {
            path = spec.substring(0, colon);
            tag = spec.substring(colon + 1);
            if (!TAG.matcher(tag).matches()) {
                throw new ImageException("bad image reference '" + text + "': bad tag '" + tag + "'");
            }
        }
        if (path.isEmpty()) {
            throw new ImageException("bad image reference '" + text + "': no path");
        }
        return new ImageReference(transport, null, null, Path.of(path), tag == null ? DEFAULT_TAG : tag, null);
    }

    public boolean isRegistry() {
        return transport == Transport.REGISTRY;
    }

    /** The tag or digest that names the manifest: the digest wins when both are given. */
    public String manifestReference() {
        return digest != null ? digest : tag;
    }

    /** The same repository, pinned to {@code newDigest}. */
    public ImageReference withDigest(String newDigest) {
        return new ImageReference(transport, registry, repository, layoutPath, tag, newDigest);
    }

    @Override
    public String toString() {
        String suffix = (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : "");
        return switch (transport) {
            case REGISTRY -> registry + "/" + repository + suffix;
            case OCI_LAYOUT -> "oci:" + layoutPath + suffix;
            case OCI_ARCHIVE -> "oci-archive:" + layoutPath + suffix;
        };
    }

    /** Lower-case host without port: what auth files and TLS decisions key on. */
    public String registryHost() {
        if (registry == null) {
            return null;
        }
        String host = registry.startsWith("[")
                ? registry.substring(0, registry.indexOf(']') + 1)
                : registry.contains(":") ? registry.substring(0, registry.indexOf(':')) : registry;
        return host.toLowerCase(Locale.ROOT);
    }
}
