package dev.amber.cli;

import dev.amber.errors.OneLine;
import picocli.CommandLine;

/**
 * Turns any failure into one line on stderr and a non-zero exit. Users see what went wrong, never a
 * stack trace; {@code AMBER_DEBUG=1} shows the trace for bug reports.
 */
final class OneLineErrors implements CommandLine.IExecutionExceptionHandler {

    /** Exit code for a failure the user can fix: bad input, unreachable service, refused request. */
    static final int FAILURE = 1;

    @Override
    public int handleExecutionException(Exception ex, CommandLine cli, CommandLine.ParseResult parseResult) {
        if (System.getenv("AMBER_DEBUG") != null) {
            ex.printStackTrace(cli.getErr());
        }
        cli.getErr().println(cli.getCommandSpec().qualifiedName() + ": " + OneLine.of(ex));
        cli.getErr().flush();
        return FAILURE;
    }
}
