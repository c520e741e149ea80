package dev.amber.cli;

import dev.amber.cli.archive.TrainingArchive;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Run once by the launcher after a build, under {@code -XX:AOTCacheOutput}: it exercises the user commands
 * on a small synthetic checkpoint so that the classes they load are in the AOT cache and later commands
 * start without loading and linking them again.
 */
@Command(name = "aot-training", hidden = true, description = "Internal: the training run for the JVM's AOT cache.")
final class AotTrainingCommand implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("amber-aot-");
        try {
            Path archive = TrainingArchive.write(dir);
            PrintWriter sink = new PrintWriter(OutputStream.nullOutputStream());
            for (String[] args : new String[][] {
                {"show", archive.toString()},
                {"show", "--format", "json", archive.toString()},
                {"inspect", "--all", archive.toString()},
                {"inspect", "--all", "--format", "json", archive.toString()},
                {"memparse", archive.toString()},
                {"memparse", "--search", "AMBER", archive.toString()},
                {"list", dir.toString()},
            }) {
                CommandLine cli = AmberCommand.commandLine(args); // as a real run registers it
                cli.setOut(sink);
                cli.setErr(sink);
                cli.execute(args);
            }
            return 0;
        } finally {
            try (var files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
