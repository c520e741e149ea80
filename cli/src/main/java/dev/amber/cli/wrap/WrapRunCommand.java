package dev.amber.cli.wrap;

import dev.amber.wrapper.Wrapper;
import dev.amber.wrapper.WrapperConfigLoader;
import dev.amber.wrapper.WrapperLog;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Stack;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = {
            "Restore CMD from the image directory when it holds a complete checkpoint, otherwise start it; "
                    + "on SIGTERM checkpoint it (always, or when the node is going away) or pass SIGTERM on. "
                    + "Exits with the app's exit code, or 0 after a checkpoint."
        })
public final class WrapRunCommand implements Callable<Integer> {

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "Config file (default: /etc/amber/config.yaml, then /etc/crik/config.yaml).")
    Path config;

    @Parameters(
            arity = "1..*",
            paramLabel = "CMD",
            preprocessor = RestIsCommand.class,
            description = "The command to run, with its arguments.")
    List<String> command;

    /** Everything from CMD on belongs to CMD, so {@code run sh -c 'x'} needs no {@code --}. */
    static final class RestIsCommand implements CommandLine.IParameterPreprocessor {
        @Override
        public boolean preprocess(
                Stack<String> args,
                CommandLine.Model.CommandSpec spec,
                CommandLine.Model.ArgSpec argSpec,
                Map<String, Object> info) {
            List<String> rest = new ArrayList<>();
            while (!args.isEmpty()) {
                rest.add(args.pop());
            }
            argSpec.setValue(rest);
            return true;
        }
    }

    @Override
    public Integer call() {
        var loaded = WrapperConfigLoader.load(Optional.ofNullable(config));
        return Wrapper.create(loaded, WrapperLog.stderr()).run(command);
    }
}
