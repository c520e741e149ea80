package dev.amber.cli.retention;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
        name = "retention",
        mixinStandardHelpOptions = true,
        description = "Apply checkpoint retention policies without a cluster.",
        subcommands = {RetentionApplyCommand.class})
public final class RetentionCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
