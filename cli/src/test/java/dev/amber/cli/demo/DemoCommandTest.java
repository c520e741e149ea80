package dev.amber.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.amber.cli.AmberCommand;
import dev.amber.testkit.podman.Podman;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class DemoCommandTest {

    @Test
    void readsOnlyBareNumbersFromTheLog() {
        assertThat(DemoCommand.counterValues("0\n1\nsh: noise 7\n2\n")).containsExactly(0L, 1L, 2L);
    }

    @Test
    void valuesAfterSkipsTheLinesRestoredFromTheCheckpointedLog() {
        assertThat(DemoCommand.valuesAfter(List.of(0L, 1L, 2L, 3L, 4L), 2)).containsExactly(3L, 4L);
        assertThat(DemoCommand.valuesAfter(List.of(0L, 1L), 1)).isEmpty();
    }

    @Test
    void archiveNameChoosesTheCompression() {
        assertThat(DemoCommand.compressionFor(Path.of("/tmp/a.tar"))).isEqualTo("none");
        assertThat(DemoCommand.compressionFor(Path.of("a.tar.gz"))).isEqualTo("gzip");
        assertThat(DemoCommand.compressionFor(Path.of("a.tar.zst"))).isEqualTo("zstd");
        assertThat(DemoCommand.compressionFor(Path.of("checkpoint"))).isEqualTo("zstd");
    }

    /** The whole tour against the real Podman and CRIU, exactly as a user runs it. */
    @Test
    @Tag("podman")
    @Tag("criu")
    void restoredCounterContinuesAndNothingIsLeftRunning() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = AmberCommand.commandLine()
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute("demo");

        assertThat(exit).as("stderr: %s", err).isZero();
        Matcher result = Pattern.compile(
                        "last value before the checkpoint: (\\d+); first values after the restore: (\\d+)")
                .matcher(out.toString());
        assertThat(result.find()).as(out.toString()).isTrue();
        assertThat(Long.parseLong(result.group(2))).isEqualTo(Long.parseLong(result.group(1)) + 1);
        // amber show and inspect ran in-process on the archive: the process tree names the shell.
        assertThat(out.toString()).contains("$ amber show", "$ amber inspect", "sh -c i=0;");
        String container = Pattern.compile("Starting container (\\S+)")
                .matcher(out.toString())
                .results()
                .findFirst()
                .orElseThrow()
                .group(1);
        assertThat(Podman.run("ps", "--all", "--format", "{{.Names}}")).doesNotContain(container);
    }
}
