package dev.amber.wrapper;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Entry point of the standalone wrapper runtime ({@code amber-wrap run [--config FILE] -- CMD}).
 * The full {@code amber} CLI offers the same as {@code amber wrap run}; this one exists so the
 * runtime copied into application images carries only this module and its YAML parser.
 */
public final class WrapperMain {
    static final String USAGE = "usage: amber-wrap run [--config FILE] -- CMD [ARGS...]";

    private WrapperMain() {}

    public static void main(String[] args) {
        TermSignal.holdFromNow();
        System.exit(run(args));
    }

    static int run(String[] args) {
        WrapperLog log = WrapperLog.stderr();
        try {
            Invocation invocation = Invocation.parse(Arrays.asList(args));
            if (invocation == null) {
                System.out.println(USAGE);
                return 0;
            }
            return Wrapper.create(WrapperConfigLoader.load(invocation.config()), log)
                    .run(invocation.command());
        } catch (WrapperException e) {
            log.info(e.getMessage());
            return 1;
        }
    }

    /** The parsed command line; {@code null} from {@link #parse} means help was asked for. */
    record Invocation(Optional<Path> config, List<String> command) {
        static Invocation parse(List<String> args) {
            if (args.isEmpty() || !args.getFirst().equals("run")) {
                if (!args.isEmpty()
                        && (args.getFirst().equals("--help") || args.getFirst().equals("-h"))) {
                    return null;
                }
                throw new WrapperException(USAGE);
            }
            Optional<Path> config = Optional.empty();
            int i = 1;
            while (i < args.size()) {
                String arg = args.get(i);
                if (arg.equals("--")) {
                    i++;
                    break;
                } else if (arg.equals("--help") || arg.equals("-h")) {
                    return null;
                } else if (arg.equals("--config") && i + 1 < args.size()) {
                    config = Optional.of(Path.of(args.get(i + 1)));
                    i += 2;
                } else if (arg.startsWith("--config=")) {
                    config = Optional.of(Path.of(arg.substring("--config=".length())));
                    i++;
                } else if (arg.startsWith("-")) {
                    throw new WrapperException("unknown option " + arg + "; " + USAGE);
                } else {
                    break;
                }
            }
            List<String> command = new ArrayList<>(args.subList(i, args.size()));
            if (command.isEmpty()) {
                throw new WrapperException("no command given; " + USAGE);
            }
            return new Invocation(config, command);
        }
    }
}
