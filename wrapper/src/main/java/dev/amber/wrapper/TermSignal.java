package dev.amber.wrapper;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Turns SIGTERM into an event instead of the JVM's default (run shutdown hooks and exit, which
 * would leave the app running without its wrapper). {@code sun.misc.Signal} from jdk.unsupported is
 * the only way a Java program can replace a signal's handler; it is supported for exactly this use
 * and costs one small module in the runtime.
 */
final class TermSignal {
    private static final sun.misc.Signal TERM = new sun.misc.Signal("TERM");
    private static final AtomicBoolean CAUGHT_EARLY = new AtomicBoolean();

    private TermSignal() {}

    /**
     * Holds a SIGTERM from the start of {@code main} until {@link #deliverTo}: the launcher may have
     * restored the app already (see {@link EarlyRestore}), and reading the config takes a good part
     * of the JVM's start. Only the JVM's boot before {@code main} is left to its default.
     */
    static void holdFromNow() {
        sun.misc.Signal.handle(TERM, signal -> CAUGHT_EARLY.set(true));
    }

    static <E> void deliverTo(BlockingQueue<E> events, E termEvent) {
        sun.misc.Signal.handle(TERM, signal -> events.add(termEvent));
        if (CAUGHT_EARLY.getAndSet(false)) {
            events.add(termEvent);
        }
    }
}
