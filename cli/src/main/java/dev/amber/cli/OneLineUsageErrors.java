package dev.amber.cli;

import dev.amber.errors.OneLine;
import java.util.List;
import picocli.CommandLine;

/**
 * A command line picocli cannot parse (an unknown option, a bad value, a missing argument) gets one
 * line on stderr, with picocli's suggestion when it has one and where help is, and exit code 2;
 * not the whole usage text, which buries the one line that matters.
 */
final class OneLineUsageErrors implements CommandLine.IParameterExceptionHandler {

    @Override
    public int handleParseException(CommandLine.ParameterException ex, String[] args) {
        CommandLine cli = ex.getCommandLine();
        String command = cli.getCommandSpec().qualifiedName();
        StringBuilder line = new StringBuilder(command).append(": ").append(OneLine.of(ex));
        if (ex instanceof CommandLine.UnmatchedArgumentException unmatched) {
            List<String> suggestions = unmatched.getSuggestions();
            if (!suggestions.isEmpty()) {
                line.append(" (did you mean ")
                        .append(String.join(" or ", suggestions))
                        .append("?)");
            }
        }
        line.append("; see '").append(command).append(" --help'");
        cli.getErr().println(line);
        cli.getErr().flush();
        return cli.getCommandSpec().exitCodeOnInvalidInput();
    }
}
