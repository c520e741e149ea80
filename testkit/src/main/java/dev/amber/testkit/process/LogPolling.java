package dev.amber.testkit.process;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Waits for a container's log to show something, reading it again every 100 ms. */
public final class LogPolling {
    /** Whether the log came to satisfy the condition, and the last log read (for the failure message). */
    public record Result(boolean satisfied, String log) {}

    private LogPolling() {}

    public static Result poll(Supplier<String> readLog, Predicate<String> condition, Duration timeout)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        String log = "";
        while (Instant.now().isBefore(deadline)) {
            log = readLog.get();
            if (condition.test(log)) {
                return new Result(true, log);
            }
            Thread.sleep(100);
        }
        return new Result(false, log);
    }
}
