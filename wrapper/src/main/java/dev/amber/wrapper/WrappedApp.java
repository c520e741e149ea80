package dev.amber.wrapper;

import java.io.IOException;
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
                ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
                builder.environment().remove(EarlyRestore.PID_VARIABLE); // the launcher's word to this JVM alone
                return new Started(builder.start());
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

    /** A child CRIU restored with {@code --restore-sibling}: the JVM did not spawn it. */
    record Restored(AdoptedChild child) implements WrappedApp {
        @Override
        public long pid() {
            return child.pid();
        }

        @Override
        public CompletableFuture<Integer> exitCode() {
            return child.exitCode();
        }

        @Override
        public void terminate() {
            ProcessHandle.of(child.pid()).ifPresent(ProcessHandle::destroy);
        }
    }
}
