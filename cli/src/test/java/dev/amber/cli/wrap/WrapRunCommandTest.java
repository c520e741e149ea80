package dev.amber.cli.wrap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.amber.cli.AmberCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line of {@code amber wrap run}; starting a real child needs no CRIU (nothing to restore). */
class WrapRunCommandTest {

    @Test
    void everythingFromCmdOnBelongsToCmdAndItsExitCodeIsReturned(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("c.yaml"), "imageDir: " + dir.resolve("images") + "\n");

        int withoutSeparator = AmberCommand.commandLine("wrap")
                .execute("wrap", "run", "--config", config.toString(), "sh", "-c", "exit 3");
        int withSeparator = AmberCommand.commandLine("wrap")
                .execute("wrap", "run", "--config", config.toString(), "--", "sh", "-c", "exit 4");

        assertThat(withoutSeparator).isEqualTo(3);
        assertThat(withSeparator).isEqualTo(4);
    }

    @Test
    void aBadConfigIsOneLineAndExitOne(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("c.yaml"), "imageDir: /x\nimagedir: /y\n");
        StringWriter err = new StringWriter();
        var cli = AmberCommand.commandLine("wrap");
        cli.setErr(new PrintWriter(err));

        int exit = cli.execute("wrap", "run", "--config", config.toString(), "true");

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString().strip())
                .startsWith("amber wrap run: config " + config + ": unknown key 'imagedir' (line 2)")
                .doesNotContain("\n");
    }
}
