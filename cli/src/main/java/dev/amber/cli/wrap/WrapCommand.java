package dev.amber.cli.wrap;

import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(
        name = "wrap",
        mixinStandardHelpOptions = true,
        description = {
            "Checkpoint from inside the container: run the app under CRIU's care.",
            "For clusters whose runtime cannot checkpoint; crik's config format works unchanged."
        },
        subcommands = {WrapRunCommand.class})
public final class WrapCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
