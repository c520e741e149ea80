package dev.amber.cli.archive;

import dev.amber.cli.AmberCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs the real command line in-process and captures what a user would see. */
record CliRun(int exitCode, String out, String err) {
    static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = AmberCommand.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }

    com.fasterxml.jackson.databind.JsonNode json() throws Exception {
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(out);
    }
}
