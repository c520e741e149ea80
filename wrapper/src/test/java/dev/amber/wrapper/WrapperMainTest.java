package dev.amber.wrapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.amber.wrapper.WrapperMain.Invocation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WrapperMainTest {

    @Test
    void parsesConfigAndCommand() {
        assertThat(Invocation.parse(List.of("run", "--config", "/c.yaml", "--", "app", "--flag")))
                .isEqualTo(new Invocation(Optional.of(Path.of("/c.yaml")), List.of("app", "--flag")));
        assertThat(Invocation.parse(List.of("run", "--config=/c.yaml", "app")).command())
                .containsExactly("app");
        assertThat(Invocation.parse(List.of("run", "app", "--config", "x")).command())
                .containsExactly("app", "--config", "x");
        assertThat(Invocation.parse(List.of("run", "--help"))).isNull();
    }

    @Test
    void rejectsWhatItDoesNotKnow() {
        assertThatThrownBy(() -> Invocation.parse(List.of("start", "app"))).hasMessageStartingWith("usage:");
        assertThatThrownBy(() -> Invocation.parse(List.of("run", "--verbose", "app")))
                .hasMessageStartingWith("unknown option --verbose");
        assertThatThrownBy(() -> Invocation.parse(List.of("run", "--"))).hasMessageStartingWith("no command given");
    }

    /**
     * A SIGTERM that comes while the wrapper is still reading its config is kept for when the app
     * runs, instead of the JVM's default exit: the launcher may have restored the app by then, and
     * that exit would leave it running without its wrapper, its checkpoint not taken. The config is
     * a FIFO here, so the signal surely comes while the wrapper reads it.
     */
    @Test
    void aSigtermWhileTheConfigIsReadReachesTheAppOnceItRuns(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("config.yaml");
        assertThat(new ProcessBuilder("mkfifo", config.toString()).start().waitFor())
                .isZero();
        String app = "trap 'echo app-got-term; exit 7' TERM; echo app-up; while :; do sleep 0.05; done";
        // checkpointOn: never, so no CRIU is needed: the SIGTERM goes on to the app.
        try (WrapperProcess w = WrapperProcess.start(config, Map.of("AMBER_CRIU", "/bin/true"), "sh", "-c", app)) {
            try (var writer = Files.newOutputStream(config)) { // returns once the wrapper has opened it
                w.sigterm();
                Thread.sleep(300); // the JVM's default would have exited by now
                writer.write(("imageDir: " + dir.resolve("images") + "\ncheckpointOn: never\n").getBytes());
            } catch (IOException wrapperGone) {
                // Broken pipe: the wrapper exited on the signal instead; the assertions below say so.
            }
            assertThat(w.awaitExit()).as("stderr: %s", w.err).isEqualTo(7);
            assertThat(w.err).anyMatch(l -> l.contains("SIGTERM: passing it to the app"));
            assertThat(w.out).contains("app-got-term");
        }
    }

    @Test
    void zombieStatusBecomesAShellExitCode(@TempDir Path dir) throws Exception {
        // A zombie's stat line: the comm field may hold spaces and parentheses; field 4 is the
        // parent, field 52 the wait status.
        String middle = " 0".repeat(47);
        Files.writeString(dir.resolve("exited"), "4242 (my (odd) app) Z 100" + middle + " " + (3 << 8) + "\n");
        Files.writeString(dir.resolve("killed"), "4242 (my (odd) app) Z 100" + middle + " 9\n");
        Files.writeString(dir.resolve("running"), "4242 (my (odd) app) S 100" + middle + " 0\n");
        Files.writeString(dir.resolve("foreign"), "4242 (my (odd) app) Z 7" + middle + " 0\n");

        assertThat(AdoptedChild.zombieExitCode(dir.resolve("exited"), 100)).hasValue(3);
        assertThat(AdoptedChild.zombieExitCode(dir.resolve("killed"), 100)).hasValue(137);
        // A reaped child's pid may already name another process: its line says nothing of the child.
        assertThat(AdoptedChild.zombieExitCode(dir.resolve("running"), 100)).isEmpty();
        assertThat(AdoptedChild.zombieExitCode(dir.resolve("foreign"), 100)).isEmpty();
        assertThat(AdoptedChild.zombieExitCode(dir.resolve("gone"), 100)).isEmpty();

        assertThat(AdoptedChild.runningChildOf(dir.resolve("running"), 100)).isTrue();
        assertThat(AdoptedChild.runningChildOf(dir.resolve("running"), 7)).isFalse();
        assertThat(AdoptedChild.runningChildOf(dir.resolve("exited"), 100)).isFalse();
        assertThat(AdoptedChild.runningChildOf(dir.resolve("gone"), 100)).isFalse();
    }
}
