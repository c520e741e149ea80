package dev.amber.archive;

/** The container engine that wrote a checkpoint; each lays out and names its metadata differently. */
public enum Engine {
    PODMAN("Podman"),
    CRIO("CRI-O"),
    CONTAINERD("containerd"),
    UNKNOWN("unknown");

    private final String displayName;

    Engine(String displayName) {
        this.displayName = displayName;
    }

    public String displayName() {
        return displayName;
    }

    /** Maps the OCI spec's {@code io.container.manager} annotation (and the archive's layout) to an engine. */
    public static Engine fromManagerAnnotation(String manager, boolean hasContainerdStatus) {
        if ("libpod".equals(manager)) {
            return PODMAN;
        }
        if ("cri-o".equals(manager)) {
            return CRIO;
        }
        return hasContainerdStatus || manager == null ? CONTAINERD : UNKNOWN;
    }
}
