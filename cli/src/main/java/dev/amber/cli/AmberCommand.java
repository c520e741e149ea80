package dev.amber.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The root command. Every role of Amber is a subcommand: user commands, the node agent,
 * the in-container wrapper and the operator all ship in one executable.
 */
@Command(
        name = "amber",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Checkpoint, keep, move and restore running Kubernetes workloads.",
        subcommands = {
            CommandLine.HelpCommand.class,
            dev.amber.cli.archive.ShowCommand.class,
            dev.amber.cli.archive.InspectCommand.class,
            dev.amber.cli.archive.MemparseCommand.class,
            dev.amber.cli.archive.DiffCommand.class,
            dev.amber.cli.archive.ListCommand.class,
            dev.amber.cli.demo.DemoCommand.class,
            dev.amber.cli.image.ImageCommand.class,
            CompletionCommand.class,
            AotTrainingCommand.class,
        })
public final class AmberCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** The configured command line: shared error handling and exit codes for every subcommand. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new AmberCommand());
        cli.setExecutionExceptionHandler(new OneLineErrors());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        return cli;
    }
}
