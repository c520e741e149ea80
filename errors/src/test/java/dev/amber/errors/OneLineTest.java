package dev.amber.errors;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class OneLineTest {
    @Test
    void aMessageIsItsFirstLine() {
        assertThat(OneLine.of(new IllegalStateException("archive is truncated\n  at entry 4")))
                .isEqualTo("archive is truncated");
    }

    @Test
    void causesFollowOutermostFirstAndWhatIsAlreadySaidIsLeftOut() {
        IOException root = new IOException("connection reset");
        assertThat(OneLine.of(new IllegalStateException("cannot push blob", root)))
                .isEqualTo("cannot push blob: connection reset");
        assertThat(OneLine.of(new IllegalStateException("cannot push blob: connection reset", root)))
                .isEqualTo("cannot push blob: connection reset");
    }

    @Test
    void wrappersThatOnlyCarryACauseAreSkipped() {
        ConnectException refused = new ConnectException("Connection refused");
        assertThat(OneLine.of(new CompletionException(new IOException("cannot list Nodes", refused))))
                .isEqualTo("cannot list Nodes: Connection refused");
        assertThat(OneLine.of(new ExecutionException(refused))).isEqualTo("Connection refused");
        assertThat(OneLine.of(new RuntimeException(refused))).isEqualTo("Connection refused");
        assertThat(OneLine.of(new UncheckedIOException("reading the index", new IOException("disk full"))))
                .isEqualTo("reading the index: disk full");
    }

    @Test
    void aPathOnlyFileSystemErrorSaysWhatWentWrong() {
        assertThat(OneLine.of(new NoSuchFileException("/var/lib/amber/x.tar")))
                .isEqualTo("/var/lib/amber/x.tar: no such file");
        assertThat(OneLine.of(new AccessDeniedException("/etc/amber"))).isEqualTo("/etc/amber: access denied");
        // With a reason the JDK's message says it already.
        assertThat(OneLine.of(new FileSystemException("/a", null, "Read-only file system")))
                .isEqualTo("/a: Read-only file system");
    }

    @Test
    void aChainWithoutMessagesIsNamedByItsOutermostType() {
        assertThat(OneLine.of(new ConnectException())).isEqualTo("ConnectException");
        assertThat(OneLine.of(new CompletionException(new ConnectException()))).isEqualTo("ConnectException");
    }

    @Test
    void aCauseWithoutAMessageAddsNothing() {
        assertThat(OneLine.of(new IOException(
                        "cannot reach registry r:5000: connection refused", new ClosedChannelException())))
                .isEqualTo("cannot reach registry r:5000: connection refused");
    }

    @Test
    void aLongChainIsCutToOneBoundedLine() {
        Throwable t = new IOException("x".repeat(300));
        t = new IOException("y".repeat(300), t);
        assertThat(OneLine.of(t)).hasSize(OneLine.MAX_LENGTH).endsWith("...");
    }

    @Test
    void aCauseCycleEnds() {
        IOException a = new IOException("a");
        IOException b = new IOException("b", a);
        a.initCause(b);
        assertThat(OneLine.of(b)).isEqualTo("b: a");
    }
}
