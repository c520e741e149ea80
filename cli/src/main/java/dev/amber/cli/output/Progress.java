package dev.amber.cli.output;

import java.io.PrintStream;

/**
 * A one-line progress report on stderr for long work. It appears only on a terminal and only after the
 * work has taken a second, so quick commands and pipelines stay clean.
 */
public final class Progress implements AutoCloseable {
    private static final long DELAY_NANOS = 1_000_000_000L;
    private static final long INTERVAL_NANOS = 200_000_000L;

    private final String what;
    private final PrintStream err;
    private final boolean enabled;
    private final long start = System.nanoTime();
    private long lastDraw;
    private boolean drawn;

    public Progress(String what) {
        this(what, System.err, System.console() != null && System.getenv("AMBER_NO_PROGRESS") == null);
    }

    Progress(String what, PrintStream err, boolean enabled) {
        this.what = what;
        this.err = err;
        this.enabled = enabled;
    }

    /** Reports {@code done} bytes so far, of {@code total} (or -1 when unknown). */
    public void update(long done, long total) {
        if (!enabled) {
            return;
        }
        long now = System.nanoTime();
        if (now - start < DELAY_NANOS || now - lastDraw < INTERVAL_NANOS) {
            return;
        }
        lastDraw = now;
        double seconds = (now - start) / 1e9;
        String rate = Bytes.human((long) (done / seconds)) + "/s";
        String line = total > 0
                ? String.format(
                        "%s %s / %s (%d%%) %s", what, Bytes.human(done), Bytes.human(total), done * 100 / total, rate)
                : String.format("%s %s %s", what, Bytes.human(done), rate);
        err.print("\r\033[K" + line);
        err.flush();
        drawn = true;
    }

    @Override
    public void close() {
        if (drawn) {
            err.print("\r\033[K");
            err.flush();
        }
    }
}
