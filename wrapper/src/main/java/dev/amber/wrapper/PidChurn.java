package dev.amber.wrapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongSupplier;

/**
 * Moves the pid namespace's next pid up without {@code /proc/sys/kernel/ns_last_pid}: Linux hands
 * out pids in increasing order, and every thread takes one, so starting threads that end at once
 * walks the counter up. About 125 microseconds a thread here; used only when ns_last_pid is
 * read-only, as it is in every container that is not privileged.
 */
final class PidChurn {
    private PidChurn() {}

    /**
     * Starts short-lived threads until one gets a thread id of at least {@code floor}, so the next
     * process or thread gets a higher pid.
     *
     * @return how many threads it took
     * @throws WrapperException when thread ids cannot be read ({@code /proc/thread-self}), or when
     *     the counter wraps at pid_max before it reaches the floor
     */
    static int advanceTo(long floor) {
        return advanceTo(floor, PidChurn::ownThreadId);
    }

    /** {@link #advanceTo(long)} with the way a new thread learns its id, for tests. */
    static int advanceTo(long floor, LongSupplier threadId) {
        int threads = 0;
        long tid = 0;
        while (tid < floor) {
            long[] seen = new long[1];
            Thread thread = Thread.ofPlatform().name("amber-pid-churn").start(() -> seen[0] = threadId.getAsLong());
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new WrapperException("interrupted while moving the app's pid up");
            }
            threads++;
            if (seen[0] <= 0) {
                throw new WrapperException("cannot read this thread's id from /proc/thread-self");
            }
            if (seen[0] < tid) {
                throw new WrapperException(
                        "pids wrapped around at pid_max (" + tid + ", then " + seen[0] + ") before reaching " + floor);
            }
            tid = seen[0];
        }
        return threads;
    }

    /** The calling thread's kernel thread id, or -1 when /proc does not say. */
    static long ownThreadId() {
        try {
            String self = Files.readSymbolicLink(Path.of("/proc/thread-self")).toString(); // "<pid>/task/<tid>"
            return Long.parseLong(self.substring(self.lastIndexOf('/') + 1));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
