package dev.amber.cli;

import java.util.Arrays;
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
        description = "Checkpoint, keep, move and restore running Kubernetes workloads.")
public final class AmberCommand implements Runnable {

    /**
     * Every subcommand, in the order help lists them. Registered programmatically rather than in the
     * annotation: picocli reflects over a command's options when it registers it, so a run registers
     * only the subcommand it runs (see {@link #commandLine(String...)}).
     */
    static final Class<?>[] SUBCOMMANDS = {
        CommandLine.HelpCommand.class,
        dev.amber.cli.archive.ShowCommand.class,
        dev.amber.cli.archive.InspectCommand.class,
        dev.amber.cli.archive.MemparseCommand.class,
        dev.amber.cli.archive.DiffCommand.class,
        dev.amber.cli.archive.ListCommand.class,
        dev.amber.cli.demo.DemoCommand.class,
        dev.amber.cli.image.ImageCommand.class,
        dev.amber.cli.cluster.CheckpointCommand.class,
        dev.amber.cli.cluster.RestoreCommand.class,
        dev.amber.cli.cluster.NodesCommand.class,
        dev.amber.cli.agent.AgentCommand.class,
        dev.amber.cli.retention.RetentionCommand.class,
        dev.amber.cli.wrap.WrapCommand.class,
        dev.amber.cli.nodestate.NodeStateServerCommand.class,
        dev.amber.cli.operator.OperatorCommand.class,
        CompletionCommand.class,
        AotTrainingCommand.class,
    };

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** The configured command line with every subcommand: shared error handling and exit codes. */
    public static CommandLine commandLine() {
        return commandLine(new String[0]);
    }

    /**
     * The command line for running {@code args}: only the named subcommand is registered, which keeps
     * start-up cheap; without one (help, a typo, completion) all are, so help and suggestions are whole.
     */
    public static CommandLine commandLine(String... args) {
        CommandLine cli = new CommandLine(new AmberCommand());
        String first =
                Arrays.stream(args).filter(a -> !a.startsWith("-")).findFirst().orElse(null);
        // help and completion describe the other commands, so they need all of them.
        boolean needsAll = first == null || first.equals("help") || first.equals("completion");
        Class<?> only = needsAll
                ? null
                : Arrays.stream(SUBCOMMANDS)
                        .filter(c -> first.equals(c.getAnnotation(Command.class).name()))
                        .findFirst()
                        .orElse(null);
        for (Class<?> c : SUBCOMMANDS) {
            if (only == null || c == only) {
                cli.addSubcommand(c);
            }
        }
        cli.setExecutionExceptionHandler(new OneLineErrors());
        cli.setParameterExceptionHandler(new OneLineUsageErrors());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        return cli;
    }
}
