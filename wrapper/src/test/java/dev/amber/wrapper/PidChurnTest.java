package dev.amber.wrapper;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class PidChurnTest {

    @Test
    void aProcessStartedAfterTheChurnGetsAPidAboveTheFloor() throws IOException, InterruptedException {
        long before = PidChurn.ownThreadId();
        assertThat(before).as("thread id from /proc/thread-self").isPositive();
        long floor = before + 200;

        int threads = PidChurn.advanceTo(floor);

        Process next = new ProcessBuilder("true").start();
        next.waitFor();
        // Other processes on the machine take pids too, so it may take fewer threads, never a lower pid
        // (a wrap-around at pid_max would need millions of pids in between).
        assertThat(threads).isBetween(1, 200);
        assertThat(next.pid()).isGreaterThan(floor);
    }
}
