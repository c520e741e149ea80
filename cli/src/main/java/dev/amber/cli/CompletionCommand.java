package dev.amber.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Prints a bash/zsh completion script generated from the command model, so it never drifts. */
@Command(
        name = "completion",
        mixinStandardHelpOptions = true,
        description = {
            "Print a bash or zsh completion script for amber.",
            "Use: source <(amber completion)   or   amber completion > /etc/bash_completion.d/amber"
        })
final class CompletionCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        CommandLine root = spec.root().commandLine();
        spec.commandLine().getOut().print(AutoComplete.bash("amber", root));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
