package dev.amber.wrapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a process's stdout and stderr point to, as CRIU names them in {@code --inherit-fd}: {@code pipe:[inode]},
 * {@code socket:[inode]}, or a file's path without the leading slash. A container's log is such a
 * pipe; after a restore it is a different pipe, which CRIU swaps in when told the old name. Files
 * are inherited too: CRIU would otherwise reopen them and refuse one that grew since the dump, as a
 * log file does. Terminals are left to {@code --shell-job}. Stdin is left to CRIU too: CRIU keeps
 * its own fd 0 closed, so it cannot hand it on ("Can't send fd 0 into store").
 */
final class StdioLinks {
    private static final Pattern PIPE_OR_SOCKET = Pattern.compile("(pipe|socket):\\[[0-9]+\\]");

    private StdioLinks() {}

    static Map<Integer, String> of(long pid) {
        return of(Path.of("/proc", Long.toString(pid), "fd"));
    }

    /** CRIU's name for a descriptor target, or empty for what it cannot inherit. */
    static Optional<String> criuName(String target) {
        if (PIPE_OR_SOCKET.matcher(target).matches()) {
            return Optional.of(target);
        }
        boolean file = target.startsWith("/") && !target.endsWith(" (deleted)");
        boolean terminal =
                target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        return file && !terminal ? Optional.of(target.substring(1)) : Optional.empty();
    }

    static Map<Integer, String> of(Path fdDir) {
        Map<Integer, String> links = new HashMap<>();
        for (int fd = 1; fd <= 2; fd++) {
            try {
                String target = Files.readSymbolicLink(fdDir.resolve(Integer.toString(fd)))
                        .toString();
                int number = fd;
                criuName(target).ifPresent(name -> links.put(number, name));
            } catch (IOException e) {
                // A closed descriptor: nothing to re-attach.
            }
        }
        return links;
    }
}
