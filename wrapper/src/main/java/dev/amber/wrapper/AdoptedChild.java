package dev.amber.wrapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
    /** Completes with the exit code in shell convention (128 + signal when killed). */
    CompletableFuture<Integer> exitCode() {
        // A zombie child still has a handle (isAlive() even says true), whose onExit() completes at
        // once; there is no handle only when the pid is gone altogether (zombieExitCode says 255).
        CompletableFuture<?> exited = ProcessHandle.of(pid)
                .<CompletableFuture<?>>map(ProcessHandle::onExit)
                .orElse(CompletableFuture.completedFuture(null));
        return exited.thenApply(ignored -> zombieExitCode(Path.of("/proc", Long.toString(pid), "stat")));
    }

    /** SIGKILL to the child and everything below it, unless it has exited. */
    void killTree() {
        ProcessHandle.of(pid).ifPresent(root -> {
            root.descendants().forEach(ProcessHandle::destroyForcibly);
            root.destroyForcibly();
        });
    }

    /** Exit code from a zombie's stat line; 255 if the status is gone (someone else reaped it). */
    static int zombieExitCode(Path stat) {
        try {
            String line = Files.readString(stat);
            String[] fields = line.substring(line.lastIndexOf(')') + 2).trim().split(" ");
            // fields[0] is field 3 (state); the wait status is field 52.
            int status = Integer.parseInt(fields[52 - 3]);
            int signal = status & 0x7f;
            return signal == 0 ? (status >> 8) & 0xff : 128 + signal;
        } catch (IOException | RuntimeException e) {
            return 255;
        }
    }
}
