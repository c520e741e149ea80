package dev.amber.wrapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

class PidChurnTest {

    @Test
    void aProcessStartedAfterTheChurnGetsAPidAboveTheFloor() throws IOException, InterruptedException {
        // Where the pid counter is now: a new thread's id. This test thread's own id is older, and on a
        // busy machine with pid_max 32768 the counter may have wrapped since it was created.
        long before = idOfANewThread();
        assertThat(before).as("thread id from /proc/thread-self").isPositive();
        long floor = before + 200;
        long pidMax = Long.parseLong(Files.readAllLines(Path.of("/proc/sys/kernel/pid_max"))
                .getFirst()
                .strip());
        assumeTrue(
                floor + 1_000 < pidMax,
                "the pid counter (" + before + ") is too close to pid_max (" + pidMax
                        + ") for other processes not to wrap it during the test");

        int threads = PidChurn.advanceTo(floor);

        Process next = new ProcessBuilder("true").start();
        next.waitFor();
        // Other processes on the machine take pids too, so it may take fewer threads, never a lower pid.
        assertThat(threads).isBetween(1, 200);
        assertThat(next.pid()).isGreaterThan(floor);
    }

    private static long idOfANewThread() throws InterruptedException {
        long[] id = new long[1];
        Thread.ofPlatform().start(() -> id[0] = PidChurn.ownThreadId()).join();
        return id[0];
    }

    @Test
    void aCounterThatWrapsAtPidMaxEndsTheChurnInsteadOfLoopingForever() {
        Iterator<Long> ids = List.of(32_700L, 32_766L, 301L).iterator();

        assertThatThrownBy(() -> PidChurn.advanceTo(40_000, ids::next))
                .isInstanceOf(WrapperException.class)
                .hasMessage("pids wrapped around at pid_max (32766, then 301) before reaching 40000");
    }

    @Test
    void countsTheThreadsItTook() {
        Iterator<Long> ids = List.of(10L, 500L, 1000L).iterator();

        assertThat(PidChurn.advanceTo(1000, ids::next)).isEqualTo(3);
    }
}
