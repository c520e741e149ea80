package dev.amber.wrapper;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * The wrapper's configuration. The first four keys are crik's, with crik's names, so a crik config
 * file works unchanged; the rest are CRIU options and Amber's choices.
 *
 * @param imageDir where checkpoints live (a PersistentVolume that outlives the container)
 * @param additionalPaths files and directories outside the image dir that belong to the app's
 *     state; copied into the checkpoint and back before restore
 * @param inotifyIncompatiblePaths paths deleted before a dump, because an inotify watch on them
 *     cannot be restored
 * @param nodeStateServerURL base URL of {@code amber node-state-server}; asked on SIGTERM
 * @param checkpointOn when SIGTERM checkpoints; defaults to node-shutdown with a server URL,
 *     otherwise always (crik's behaviour)
 * @param ifNodeStateUnknown what node-shutdown does when the server cannot answer
 * @param freshStartOnRestoreFailure start CMD afresh when the checkpoint cannot be restored,
 *     instead of failing the container
 * @param tcpEstablished dump and restore established TCP connections ({@code --tcp-established});
 *     they survive only where the app's IP address does, so not in a new pod
 * @param tcpClose checkpoint despite established TCP connections and restore them closed
 *     ({@code --tcp-close}): the app sees them fail and reconnects; what a pod, whose next
 *     incarnation has another IP address, needs
 * @param fileLocks dump and restore file locks ({@code --file-locks})
 * @param extUnixSockets allow unix sockets whose peer is outside the tree ({@code --ext-unix-sk})
 * @param manageCgroups CRIU's cgroup mode; {@code ignore} by default because a new container has
 *     its own cgroup and usually a read-only cgroupfs
 * @param ghostLimit largest deleted-but-open file CRIU copies into the images (bytes, or with a
 *     K/M/G suffix); CRIU's default is 1M
 * @param externalMounts mount points CRIU treats as external (same path on dump and restore)
 */
public record WrapperConfig(
        Path imageDir,
        List<Path> additionalPaths,
        List<Path> inotifyIncompatiblePaths,
        URI nodeStateServerURL,
        CheckpointOn checkpointOn,
        IfNodeStateUnknown ifNodeStateUnknown,
        Boolean freshStartOnRestoreFailure,
        Boolean tcpEstablished,
        Boolean tcpClose,
        Boolean fileLocks,
        Boolean extUnixSockets,
        String manageCgroups,
        String ghostLimit,
        List<Path> externalMounts) {

    /** CRIU's {@code --manage-cgroups} modes. */
    static final Set<String> CGROUP_MODES = Set.of("none", "props", "soft", "full", "strict", "ignore");

    /** Fills in defaults; validation that needs the file's name happens in {@link WrapperConfigLoader}. */
    public WrapperConfig {
        additionalPaths = additionalPaths == null ? List.of() : List.copyOf(additionalPaths);
        inotifyIncompatiblePaths = inotifyIncompatiblePaths == null ? List.of() : List.copyOf(inotifyIncompatiblePaths);
        externalMounts = externalMounts == null ? List.of() : List.copyOf(externalMounts);
        if (checkpointOn == null) {
            checkpointOn = nodeStateServerURL == null ? CheckpointOn.ALWAYS : CheckpointOn.NODE_SHUTDOWN;
        }
        if (ifNodeStateUnknown == null) {
            ifNodeStateUnknown = IfNodeStateUnknown.CHECKPOINT;
        }
        freshStartOnRestoreFailure = Boolean.TRUE.equals(freshStartOnRestoreFailure);
        tcpEstablished = Boolean.TRUE.equals(tcpEstablished);
        tcpClose = Boolean.TRUE.equals(tcpClose);
        fileLocks = Boolean.TRUE.equals(fileLocks);
        extUnixSockets = Boolean.TRUE.equals(extUnixSockets);
        if (manageCgroups == null) {
            manageCgroups = "ignore";
        }
    }

    /** A config with only an image dir, everything else defaulted. */
    public static WrapperConfig withImageDir(Path imageDir) {
        return new WrapperConfig(
                imageDir, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }
}
