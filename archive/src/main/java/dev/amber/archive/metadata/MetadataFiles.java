package dev.amber.archive.metadata;

import java.util.Set;

/** Names of the engine metadata files at the top of a checkpoint archive. */
public final class MetadataFiles {
    public static final String CONFIG_DUMP = "config.dump";
    public static final String SPEC_DUMP = "spec.dump";
    public static final String NETWORK_STATUS = "network.status";
    public static final String STATS_DUMP = "stats-dump";
    public static final String BIND_MOUNTS = "bind.mounts";
    public static final String DELETED_FILES = "deleted.files";
    public static final String CONTAINERD_STATUS = "status";
    public static final String CONTAINERD_STATUS_DUMP = "status.dump";
    public static final String ROOTFS_DIFF = "rootfs-diff.tar";
    public static final String CHECKPOINT_DIR = "checkpoint";

    /** The small files kept in memory during a pass. */
    public static final Set<String> SMALL = Set.of(
            CONFIG_DUMP,
            SPEC_DUMP,
            NETWORK_STATUS,
            STATS_DUMP,
            BIND_MOUNTS,
            DELETED_FILES,
            CONTAINERD_STATUS,
            CONTAINERD_STATUS_DUMP);

    private MetadataFiles() {}
}
