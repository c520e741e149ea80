package dev.amber.wrapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;

/**
 * A child of this JVM that the JVM did not spawn: the tree CRIU restored with
 * {@code --restore-sibling}, or the criu the launcher started before it exec'd the JVM. It stays a
 * zombie until the JVM exits, so its pid cannot be reused meanwhile. Java offers
 * no waitpid for such a child, but {@link ProcessHandle#onExit()} waits with
 * {@code waitid(WNOWAIT)}, which leaves the exited child a zombie; a zombie's
 * {@code /proc/PID/stat} still carries its wait status (field 52), which is where the exit code
 * comes from.
 */
record AdoptedChild(long pid) {
    /** What {@link #exitCode()} says when the wait status is gone. */
    static final int STATUS_LOST = 255;

    /**
     * Completes with the exit code in shell convention (128 + signal when killed), or empty when the
     * wait status is gone: another process reaped the child before this JVM was its parent (the
     * launcher's shell can), so the pid is free and may even name another process by now.
     */
    CompletableFuture<OptionalInt> exitStatus() {
        long self = ProcessHandle.current().pid();
        if (!isChildOf(statOf(pid), self)) {
            // Reaped, and maybe reused by another process (or a thread of this JVM), whose exit must
            // not be waited for. A child stays this JVM's child until the JVM reaps it, which it never does.
            return CompletableFuture.completedFuture(OptionalInt.empty());
        }
        // A zombie child still has a handle (isAlive() even says true), whose onExit() completes at once.
        CompletableFuture<?> exited = ProcessHandle.of(pid)
                .<CompletableFuture<?>>map(ProcessHandle::onExit)
                .orElse(CompletableFuture.completedFuture(null));
        return exited.thenApply(ignored -> zombieExitCode(statOf(pid), self));
    }

    /** {@link #exitStatus()}, with {@link #STATUS_LOST} for a status that is gone. */
    CompletableFuture<Integer> exitCode() {
        return exitStatus().thenApply(status -> status.orElse(STATUS_LOST));
    }

    /** Whether the pid is this JVM's child and has not exited. */
    boolean isRunningChild() {
        return ProcessHandle.of(pid).isPresent()
                && runningChildOf(statOf(pid), ProcessHandle.current().pid());
    }

    /** SIGKILL to the child and everything below it, unless it has exited. */
    void killTree() {
        ProcessHandle.of(pid).ifPresent(root -> {
            root.descendants().forEach(ProcessHandle::destroyForcibly);
            root.destroyForcibly();
        });
    }

    static Path statOf(long pid) {
        return Path.of("/proc", Long.toString(pid), "stat");
    }

    /** Exit code from the stat line of a zombie child of {@code parent}; empty for anything else. */
    static OptionalInt zombieExitCode(Path stat, long parent) {
        String[] fields = fieldsOf(stat);
        // fields[0] is field 3 (state), fields[1] field 4 (ppid); the wait status is field 52.
        if (fields.length <= 52 - 3 || !fields[0].equals("Z") || !fields[1].equals(Long.toString(parent))) {
            return OptionalInt.empty();
        }
        try {
            int status = Integer.parseInt(fields[52 - 3]);
            int signal = status & 0x7f;
            return OptionalInt.of(signal == 0 ? (status >> 8) & 0xff : 128 + signal);
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    /** Whether the stat line is of a child of {@code parent}, exited or not. */
    static boolean isChildOf(Path stat, long parent) {
        String[] fields = fieldsOf(stat);
        return fields.length > 1 && fields[1].equals(Long.toString(parent));
    }

    /** Whether the stat line is of a child of {@code parent} that has not exited. */
    static boolean runningChildOf(Path stat, long parent) {
        String[] fields = fieldsOf(stat);
        return fields.length > 1
                && !fields[0].equals("Z")
                && !fields[0].equals("X")
                && fields[1].equals(Long.toString(parent));
    }

    /** The fields after the command name, which may itself hold spaces and parentheses. */
    private static String[] fieldsOf(Path stat) {
        try {
            String line = Files.readString(stat);
            return line.substring(line.lastIndexOf(')') + 2).trim().split(" ");
        } catch (IOException | RuntimeException e) {
            return new String[0];
        }
    }
}
