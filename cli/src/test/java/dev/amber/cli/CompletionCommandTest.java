package dev.amber.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CompletionCommandTest {
    @Test
    void completionScriptCoversTheCommandsAndIsValidBash() throws Exception {
        StringWriter out = new StringWriter();
        var cli = AmberCommand.commandLine();
        cli.setOut(new PrintWriter(out));
        assertThat(cli.execute("completion")).isZero();
        String script = out.toString();
        assertThat(script).contains("show", "inspect", "memparse", "--ps-tree-env", "--search-regex");
        assertThat(script).doesNotContain("aot-training");

        Process bash =
                new ProcessBuilder("bash", "-n").redirectErrorStream(true).start();
        bash.getOutputStream().write(script.getBytes(StandardCharsets.UTF_8));
        bash.getOutputStream().close();
        String errors = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(bash.waitFor()).as(errors).isZero();
    }
}
