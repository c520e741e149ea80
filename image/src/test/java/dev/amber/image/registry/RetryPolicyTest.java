package dev.amber.image.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.amber.image.ImageException;
import java.io.EOFException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Which failures are tried again, how many in a row end a transfer, and what the user reads then. */
class RetryPolicyTest {
    private final RetryPolicy threeAttempts = new RetryPolicy(3, Duration.ZERO, Duration.ZERO);

    /** An attempt that fails with the given failures in turn (null: succeeds), counting its runs. */
    private static final class Scripted implements RetryPolicy.Attempt<IOException> {
        private final Deque<IOException> failures;
        private final AtomicInteger runs = new AtomicInteger();

        Scripted(IOException... failures) {
            this.failures = new ArrayDeque<>(List.of(failures));
        }

        @Override
        public void run() throws IOException {
            runs.incrementAndGet();
            if (!failures.isEmpty()) {
                throw failures.poll();
            }
        }
    }

    private static RegistryConnectionException dropped() {
        return new RegistryConnectionException("connection to registry reg.example failed during pull of layer", null);
    }

    @Test
    void transientFailuresAreTriedAgainUntilTheAttemptSucceeds() throws Exception {
        Scripted attempt = new Scripted(dropped(), new IOException("Connection reset"));
        threeAttempts.run("download", attempt);
        assertThat(attempt.runs).hasValue(3);
    }

    @Test
    void failuresInARowEndTheTransferWithTheLastFailureAndTheCount() {
        RegistryConnectionException last = dropped();
        Scripted attempt = new Scripted(dropped(), dropped(), last, dropped());
        assertThatThrownBy(() -> threeAttempts.run("download", attempt))
                .hasMessage("connection to registry reg.example failed during pull of layer (gave up after 3 attempts)")
                .hasCause(last);
        assertThat(attempt.runs).hasValue(3);
    }

    @Test
    void theRegistrysConsideredAnswerIsNotAskedAgain() {
        ImageException refused = new ImageException("registry reg.example denied push of ckpt/x (HTTP 403)");
        Scripted attempt = new Scripted(refused);
        assertThatThrownBy(() -> threeAttempts.run("push", attempt)).isSameAs(refused);
        assertThat(attempt.runs).hasValue(1);
    }

    @Test
    void anAnswerThatAsksForAnotherTryIsTriedAgain() throws Exception {
        ImageException outOfStep =
                new ImageException("registry reg.example failed upload of layer of ckpt/x (HTTP 416)");
        Scripted attempt = new Scripted(new RetryPolicy.RetryableAnswer(outOfStep));
        threeAttempts.run("upload of layer", attempt);
        assertThat(attempt.runs).hasValue(2);
    }

    @Test
    void aBareIoErrorIsNamedByTheTransferWhenGivingUp() {
        Scripted attempt = new Scripted(new IOException("a"), new IOException("b"), new IOException("closed"));
        assertThatThrownBy(() -> threeAttempts.run("download of sha256:1234 from reg.example/ckpt/x", attempt))
                .hasMessage("download of sha256:1234 from reg.example/ckpt/x failed: closed");
    }

    @Test
    void aBodyEndedEarlyKeepsItsMessageAndTheCount() {
        Scripted attempt = new Scripted(
                new EOFException("a"), new EOFException("b"), new EOFException("EOF reached while reading"));
        assertThatThrownBy(() -> threeAttempts.run("download", attempt))
                .hasMessage("EOF reached while reading (gave up after 3 attempts)");
    }

    @Test
    void anAttemptThatGotFurtherStartsTheCountAgain() throws Exception {
        long[] position = {0};
        AtomicInteger runs = new AtomicInteger();
        // Five failures in all, each after some progress: never two in a row without it.
        RetryPolicy.Attempt<IOException> attempt = () -> {
            runs.incrementAndGet();
            if (position[0] < 5) {
                position[0]++;
                throw dropped();
            }
        };
        new RetryPolicy(2, Duration.ZERO, Duration.ZERO).run("download", attempt, () -> position[0]);
        assertThat(runs).hasValue(6);
    }
}
