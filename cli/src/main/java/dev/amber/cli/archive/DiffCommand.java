package dev.amber.cli.archive;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amber.archive.Checkpoint;
import dev.amber.archive.CheckpointReader;
import dev.amber.archive.ReadPart;
import dev.amber.cli.output.JsonOutput;
import dev.amber.cli.output.OutputFormat;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "diff",
        mixinStandardHelpOptions = true,
        description = "Show what changed between two checkpoints: processes, open files, sockets and memory sizes. "
                + "Exits 0 whether or not they differ; use --format json to act on the changes.")
public final class DiffCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "OLD", description = "The earlier checkpoint.")
    Path before;

    @Parameters(index = "1", paramLabel = "NEW", description = "The later checkpoint.")
    Path after;

    @Option(
            names = "--format",
            defaultValue = "table",
            description = "Output format: table or json (default: ${DEFAULT-VALUE}).")
    OutputFormat format;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        var parts = ReadPart.of(
                ReadPart.SIZES,
                ReadPart.PROCESSES,
                ReadPart.COMMAND_LINES,
                ReadPart.FILES,
                ReadPart.SOCKETS,
                ReadPart.MEMORY_MAPS);
        Checkpoint a = CheckpointReader.read(before, parts);
        Checkpoint b = CheckpointReader.read(after, parts);
        CheckpointDiff diff = CheckpointDiff.between(a, b);
        PrintWriter out = spec.commandLine().getOut();
        if (format == OutputFormat.json) {
            ArrayNode changes = JsonOutput.MAPPER.createArrayNode();
            for (CheckpointDiff.Change c : diff.changes()) {
                ObjectNode o = changes.addObject();
                o.put("section", c.section());
                o.put("subject", c.subject());
                o.put("before", c.before());
                o.put("after", c.after());
            }
            JsonOutput.print(out, changes);
        } else if (diff.changes().isEmpty()) {
            out.println("No differences between " + before + " and " + after);
        } else {
            out.println("--- " + before);
            out.println("+++ " + after);
            String section = null;
            for (CheckpointDiff.Change c : diff.changes()) {
                if (!c.section().equals(section)) {
                    section = c.section();
                    out.println("@@ " + section + " @@");
                }
                if (c.before() != null) {
                    out.println("- " + c.subject() + " " + c.before());
                }
                if (c.after() != null) {
                    out.println("+ " + c.subject() + " " + c.after());
                }
            }
        }
        out.flush();
        return 0;
    }
}
