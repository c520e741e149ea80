package dev.amber.wrapper;

import java.io.PrintStream;

/**
 * The wrapper's own messages. They go to stderr with an {@code amber-wrap:} prefix so they stand
 * out in the container log between the app's lines; no logging framework, to keep the runtime small.
 */
public final class WrapperLog {
    private final PrintStream out;

    public WrapperLog(PrintStream out) {
        this.out = out;
    }

    public static WrapperLog stderr() {
        return new WrapperLog(System.err);
    }

    public void info(String message) {
        out.println("amber-wrap: " + message);
        out.flush();
    }
}
