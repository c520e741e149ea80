package dev.amber.wrapper;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code criu dump} and {@code criu restore} command lines the config asks for. A pure
 * function of its inputs, so every option mapping is unit-tested without CRIU.
 */
final class CriuArguments {
    static final String DUMP_LOG = "dump.log";
    static final String RESTORE_LOG = "restore.log";

    private CriuArguments() {}

    /**
     * Dumps the tree rooted at {@code pid} and leaves it dead (CRIU's default), which is what a
     * terminating container wants. {@code --shell-job}: where the image has no setsid, the app
     * shares the wrapper's session and process group, which are outside the dumped tree.
     */
    static List<String> dump(WrapperConfig config, long pid, Path imagesDir) {
        List<String> args = new ArrayList<>(List.of(
                "dump",
                "--tree",
                Long.toString(pid),
                "--images-dir",
                imagesDir.toString(),
                "--log-file",
                DUMP_LOG,
                "-v4",
                "--shell-job"));
        common(config, args);
        if (config.ghostLimit() != null) {
            args.add("--ghost-limit");
            args.add(config.ghostLimit());
        }
        return args;
    }

    /**
     * Restores detached and as the wrapper's sibling, so the restored root becomes the wrapper's
     * own child (CLONE_PARENT): the wrapper can wait for it, read its exit code and dump it again.
     * Each of the app's stdio pipes or sockets is replaced by the wrapper's descriptor of the same
     * number ({@code --inherit-fd}), which re-attaches the app to this container's log.
     */
    static List<String> restore(WrapperConfig config, Path imagesDir, Path pidFile, Map<Integer, String> stdio) {
        List<String> args = new ArrayList<>(List.of(
                "restore",
                "--images-dir",
                imagesDir.toString(),
                "--log-file",
                RESTORE_LOG,
                "-v4",
                "--shell-job",
                "--restore-detached",
                "--restore-sibling",
                "--pidfile",
                pidFile.toString()));
        common(config, args);
        new TreeMap<>(stdio).forEach((fd, resource) -> {
            args.add("--inherit-fd");
            args.add("fd[" + fd + "]:" + resource);
        });
        return args;
    }

    private static void common(WrapperConfig config, List<String> args) {
        if (config.tcpEstablished()) {
            args.add("--tcp-established");
        }
        if (config.tcpClose()) {
            // On dump: no network lock (which would need iptables in the image) and no socket state.
            args.add("--tcp-close");
        }
        if (config.fileLocks()) {
            args.add("--file-locks");
        }
        if (config.extUnixSockets()) {
            args.add("--ext-unix-sk");
        }
        args.add("--manage-cgroups=" + config.manageCgroups());
        for (Path mount : config.externalMounts()) {
            // The mount point doubles as the key, so the same entry works for dump and restore.
            args.add("--external");
            args.add("mnt[" + mount + "]:" + mount);
        }
    }
}
