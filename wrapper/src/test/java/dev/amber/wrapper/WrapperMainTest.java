package dev.amber.wrapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.amber.wrapper.WrapperMain.Invocation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WrapperMainTest {

    @Test
    void parsesConfigAndCommand() {
        assertThat(Invocation.parse(List.of("run", "--config", "/c.yaml", "--", "app", "--flag")))
                .isEqualTo(new Invocation(Optional.of(Path.of("/c.yaml")), List.of("app", "--flag")));
        assertThat(Invocation.parse(List.of("run", "--config=/c.yaml", "app")).command()).containsExactly("app");
        assertThat(Invocation.parse(List.of("run", "app", "--config", "x")).command()).containsExactly("app", "--config", "x");
        assertThat(Invocation.parse(List.of("run", "--help"))).isNull();
    }

    @Test
    void rejectsWhatItDoesNotKnow() {
        assertThatThrownBy(() -> Invocation.parse(List.of("start", "app"))).hasMessageStartingWith("usage:");
        assertThatThrownBy(() -> Invocation.parse(List.of("run", "--verbose", "app"))).hasMessageStartingWith("unknown option --verbose");
        assertThatThrownBy(() -> Invocation.parse(List.of("run", "--"))).hasMessageStartingWith("no command given");
    }

    @Test
    void zombieStatusBecomesAShellExitCode(@TempDir Path dir) throws Exception {
        // A zombie's stat line: the comm field may hold spaces and parentheses; field 52 is the wait status.
        String prefix = "4242 (my (odd) app) Z";
        String middle = " 0".repeat(48);
        Files.writeString(dir.resolve("exited"), prefix + middle + " " + (3 << 8) + "\n");
        Files.writeString(dir.resolve("killed"), prefix + middle + " 9\n");

        assertThat(AdoptedChild.zombieExitCode(dir.resolve("exited"))).isEqualTo(3);
        assertThat(AdoptedChild.zombieExitCode(dir.resolve("killed"))).isEqualTo(137);
        assertThat(AdoptedChild.zombieExitCode(dir.resolve("gone"))).isEqualTo(255);
    }
}
