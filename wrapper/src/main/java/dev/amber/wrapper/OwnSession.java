package dev.amber.wrapper;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Starts the app as the leader of a session of its own, through {@code setsid(1)}: Java 21 cannot
 * call setsid(2) itself (ProcessBuilder has no hook, the FFM API is final only in 22). The wrapper's
 * child is not a process-group leader, so util-linux's and busybox's setsid call setsid(2) and exec
 * the command without forking: the app keeps the pid the wrapper waits for.
 *
 * <p>Why a session of its own: a signal to the wrapper's process group (Ctrl-C in {@code docker run
 * -it}, {@code kill -- -PGID}) must reach the wrapper only, which then decides between checkpointing
 * and forwarding; and the dumped tree then holds its own session and group, as CRIU prefers.
 */
final class OwnSession {
    private OwnSession() {}

    /** {@code command} prefixed with {@code setsid} when the image has it; otherwise unchanged. */
    static List<String> command(List<String> command, Optional<Path> setsid) {
        if (setsid.isEmpty()) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(command.size() + 2);
        wrapped.add(setsid.get().toString());
        if (command.getFirst().startsWith("-")) {
            wrapped.add("--"); // a program named like an option
        }
        wrapped.addAll(command);
        return wrapped;
    }

    /** setsid(1) on {@code path} (a PATH-style list), if any directory has it. */
    static Optional<Path> find(String path) {
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                Path candidate = Path.of(dir, "setsid");
                if (Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }
}
