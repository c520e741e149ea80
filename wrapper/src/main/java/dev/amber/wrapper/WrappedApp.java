package dev.amber.wrapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The app under the wrapper: started fresh, or restored by CRIU as the wrapper's child. */
interface WrappedApp {
    long pid();

    /** Completes with the app's exit code in shell convention (128 + signal when killed). */
    CompletableFuture<Integer> exitCode();

    /** Sends SIGTERM, the only catchable signal {@link ProcessHandle} can send. */
    void terminate();

    /** A child the wrapper started itself. */
    record Started(Process process) implements WrappedApp {
        static Started start(List<String> command) {
            try {
                return new Started(new ProcessBuilder(command).inheritIO().start());
            } catch (IOException e) {
                throw new WrapperException("cannot start " + command.getFirst() + ": " + e.getMessage(), e);
            }
        }

        @Override
        public long pid() {
            return process.pid();
        }

        @Override
        public CompletableFuture<Integer> exitCode() {
            return process.onExit().thenApply(Process::exitValue);
        }

        @Override
        public void terminate() {
            process.destroy();
        }
    }

    /**
     * A child CRIU restored with {@code --restore-sibling}. Java offers no waitpid for a child it
     * did not spawn, but {@link ProcessHandle#onExit()} waits with {@code waitid(WNOWAIT)}, which
     * leaves the exited child a zombie; a zombie's {@code /proc/PID/stat} still carries its wait
     * status (field 52), which is where the exit code comes from.
     */
    record Restored(ProcessHandle handle) implements WrappedApp {
        static Restored of(long pid) {
            return new Restored(ProcessHandle.of(pid).orElseThrow(
                    () -> new WrapperException("restored process " + pid + " is already gone")));
        }

        @Override
        public long pid() {
            return handle.pid();
        }

        @Override
        public CompletableFuture<Integer> exitCode() {
            return handle.onExit().thenApply(h -> zombieExitCode(Path.of("/proc", Long.toString(h.pid()), "stat")));
        }

        @Override
        public void terminate() {
            handle.destroy();
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
}
