package dev.amber.image.registry;

import dev.amber.image.ImageException;
import java.io.EOFException;
import java.io.IOException;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * How a transfer to or from a registry survives a network that fails: an attempt that fails transiently is
 * made again after a growing pause, until {@code attempts} failures in a row. "In a row" counts from the
 * last progress, not from the start: a multi-gigabyte layer over a flaky link may fail many times in all
 * and still finish, while a registry that has gone away is given up on after a few pauses.
 *
 * <p>Transient: a connection that failed or dropped ({@link RegistryConnectionException}), an answer
 * that asks to find out where things stand and try again ({@link RetryableAnswer}), and any bare I/O
 * error (a body stream that broke or ended early). Every other {@link ImageException} is the registry's
 * considered answer (refused, not found, no Range support) and asking again would only repeat it.
 */
final class RetryPolicy {
    private final int attempts;
    private final Duration backoff;
    private final Duration longestPause;

    /**
     * @param attempts failures in a row after which the transfer gives up
     * @param backoff the pause after the n-th failure in a row is {@code backoff * 2^n}
     * @param longestPause the longest pause, however many failures
     */
    RetryPolicy(int attempts, Duration backoff, Duration longestPause) {
        this.attempts = attempts;
        this.backoff = backoff;
        this.longestPause = longestPause;
    }

    /** The pauses pushes and pulls have always made: 0.4 s after the first failure, doubling, at most 5 s. */
    static RetryPolicy forRegistry(int attempts) {
        return new RetryPolicy(attempts, Duration.ofMillis(200), Duration.ofSeconds(5));
    }

    /** One try at a transfer; it must be able to run again after a transient failure. */
    @FunctionalInterface
    interface Attempt<E extends IOException> {
        void run() throws E;
    }

    /**
     * A registry's answer that is worth trying again once the client has asked where things stand, such as
     * 416 to an upload chunk whose offset the registry disagrees with.
     */
    static final class RetryableAnswer extends ImageException {
        private static final long serialVersionUID = 1L;

        RetryableAnswer(ImageException answer) {
            super(answer.getMessage(), answer.getCause());
        }
    }

    /** Runs {@code attempt} until it succeeds; failures in a row count until it does. */
    <E extends IOException> void run(String what, Attempt<E> attempt) throws E, ImageException {
        run(what, attempt, () -> 0);
    }

    /**
     * Runs {@code attempt} until it succeeds, or throws once it failed transiently {@code attempts} times in a
     * row, or at once when it fails otherwise.
     *
     * @param what what the attempt does, to name a bare I/O error when giving up ("download of sha256:...")
     * @param position how far the transfer has come: a failed attempt that moved it is the first of a new row
     */
    <E extends IOException> void run(String what, Attempt<E> attempt, LongSupplier position) throws E, ImageException {
        int failures = 0;
        while (true) {
            long start = position.getAsLong();
            try {
                attempt.run();
                return;
            } catch (IOException e) {
                if (!isTransient(e)) {
                    throw e;
                }
                failures = position.getAsLong() > start ? 1 : failures + 1;
                if (failures >= attempts) {
                    throw gaveUp(what, e, failures);
                }
                pause(failures);
            }
        }
    }

    static boolean isTransient(IOException failure) {
        return failure instanceof RegistryConnectionException
                || failure instanceof RetryableAnswer
                || !(failure instanceof ImageException);
    }

    /**
     * A registry failure, and a body that ended early, already say what went wrong; a bare I/O error's
     * message alone ("Connection reset") would not tell the user which transfer it broke.
     */
    private static ImageException gaveUp(String what, IOException last, int failures) {
        if (last instanceof ImageException || last instanceof EOFException) {
            return new ImageException(last.getMessage() + " (gave up after " + failures + " attempts)", last);
        }
        return new ImageException(what + " failed: " + last.getMessage(), last);
    }

    private void pause(int failures) {
        try {
            Thread.sleep(Math.min(backoff.toMillis() << failures, longestPause.toMillis()));
        } catch (InterruptedException e) {
            // The next request sees the interrupt and ends the transfer with the usual "interrupted" error.
            Thread.currentThread().interrupt();
        }
    }
}
