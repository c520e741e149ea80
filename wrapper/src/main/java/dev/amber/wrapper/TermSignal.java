package dev.amber.wrapper;

import java.util.concurrent.BlockingQueue;

/**
 * Turns SIGTERM into an event instead of the JVM's default (run shutdown hooks and exit, which
 * would leave the app running without its wrapper). {@code sun.misc.Signal} from jdk.unsupported is
 * the only way a Java program can replace a signal's handler; it is supported for exactly this use
 * and costs one small module in the runtime.
 */
final class TermSignal {
    private TermSignal() {}

    static <E> void deliverTo(BlockingQueue<E> events, E termEvent) {
        sun.misc.Signal.handle(new sun.misc.Signal("TERM"), signal -> events.add(termEvent));
    }
}
