package dev.amber.cli.archive;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amber.archive.Checkpoint;
import dev.amber.archive.CheckpointReader;
import dev.amber.archive.ReadPart;
import dev.amber.archive.model.ContainerInfo;
import dev.amber.cli.output.Bytes;
import dev.amber.cli.output.JsonOutput;
import dev.amber.cli.output.OutputFormat;
import dev.amber.cli.output.Table;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "list",
        mixinStandardHelpOptions = true,
        description = {
            "List the checkpoint archives in directories, newest first.",
            "Unreadable files are reported on stderr and skipped."
        })
public final class ListCommand implements Callable<Integer> {
    static final Path KUBELET_CHECKPOINTS = Path.of("/var/lib/kubelet/checkpoints");

    @Parameters(
            arity = "0..*",
            paramLabel = "DIR",
            description = "Directories to list (default: " + "/var/lib/kubelet/checkpoints" + ").")
    List<Path> dirs = new ArrayList<>();

    @Option(
            names = "--format",
            defaultValue = "table",
            description = "Output format: table or json (default: ${DEFAULT-VALUE}).")
    OutputFormat format;

    @Spec
    CommandSpec spec;

    private record Row(Path path, Checkpoint checkpoint) {}

    @Override
    public Integer call() throws Exception {
        List<Path> roots = dirs.isEmpty() ? List.of(KUBELET_CHECKPOINTS) : dirs;
        PrintWriter err = spec.commandLine().getErr();
        List<Row> rows = new ArrayList<>();
        for (Path dir : roots) {
            if (!Files.isDirectory(dir)) {
                throw new IOException(dir + ": no such directory");
            }
            List<Path> candidates;
            try (Stream<Path> files = Files.list(dir)) {
                candidates = files.filter(Files::isRegularFile)
                        .filter(p -> p.getFileName().toString().matches(".*\\.tar(\\.(zst|zstd|gz))?$"))
                        .sorted()
                        .toList();
            }
            for (Path p : candidates) {
                try {
                    rows.add(new Row(p, CheckpointReader.read(p, ReadPart.of())));
                } catch (IOException e) {
                    err.println("amber list: skipped " + e.getMessage());
                }
            }
        }
        rows.sort(Comparator.comparing(
                (Row r) -> r.checkpoint.container().checkpointed(), Comparator.nullsLast(Comparator.reverseOrder())));
        PrintWriter out = spec.commandLine().getOut();
        if (format == OutputFormat.json) {
            ArrayNode all = JsonOutput.MAPPER.createArrayNode();
            for (Row r : rows) {
                ContainerInfo i = r.checkpoint.container();
                ObjectNode o = all.addObject();
                o.put("namespace", i.namespace());
                o.put("pod", i.pod());
                o.put("container", i.name());
                o.put("engine", i.engine().displayName());
                o.put("checkpointed", Times.format(i.checkpointed()));
                o.put("size", r.checkpoint.sizes().archive());
                o.put("path", r.path.toString());
            }
            JsonOutput.print(out, all);
            return 0;
        }
        if (rows.isEmpty()) {
            out.println("No checkpoints in "
                    + String.join(", ", roots.stream().map(Path::toString).toList()));
            out.flush();
            return 0;
        }
        Table t = new Table("NAMESPACE", "POD", "CONTAINER", "ENGINE", "TIME CHECKPOINTED", "SIZE", "FILE");
        for (Row r : rows) {
            ContainerInfo i = r.checkpoint.container();
            t.row(
                    ShowCommand.nz(i.namespace()),
                    ShowCommand.nz(i.pod()),
                    ShowCommand.nz(i.name()),
                    i.engine().displayName(),
                    ShowCommand.nz(Times.format(i.checkpointed())),
                    Bytes.human(r.checkpoint.sizes().archive()),
                    r.path.getFileName().toString());
        }
        t.print(out);
        return 0;
    }
}
