package dev.amber.cli.archive;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.amber.archive.Checkpoint;
import dev.amber.archive.CheckpointReader;
import dev.amber.archive.ReadPart;
import dev.amber.archive.model.ContainerInfo;
import dev.amber.cli.output.Bytes;
import dev.amber.cli.output.JsonOutput;
import dev.amber.cli.output.OutputFormat;
import dev.amber.cli.output.Table;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "show",
        mixinStandardHelpOptions = true,
        description = {
            "Show an overview of checkpoint archives: container, image, engine, times and sizes.",
            "Reads Podman (zstd, gzip, none), kubelet/CRI-O and kubelet/containerd archives, and extracted directories."
        })
public final class ShowCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "ARCHIVE", description = "Checkpoint archives or extracted directories.")
    List<Path> archives;

    @Option(
            names = "--format",
            defaultValue = "table",
            description = "Output format: table or json (default: ${DEFAULT-VALUE}).")
    OutputFormat format;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        List<Checkpoint> checkpoints = new ArrayList<>();
        for (Path p : archives) {
            checkpoints.add(CheckpointReader.read(p, ReadPart.of(ReadPart.SIZES)));
        }
        PrintWriter out = spec.commandLine().getOut();
        if (format == OutputFormat.json) {
            ArrayNode all = JsonOutput.MAPPER.createArrayNode();
            checkpoints.forEach(c -> all.add(CheckpointJson.of(c, InspectSelection.none())));
            JsonOutput.print(out, all);
            return 0;
        }
        boolean kube = checkpoints.stream().anyMatch(c -> c.container().namespace() != null);
        boolean ip = checkpoints.stream().anyMatch(c -> c.container().ip() != null);
        List<String> header = new ArrayList<>(List.of("CONTAINER", "IMAGE", "ID", "RUNTIME", "CREATED", "ENGINE"));
        if (kube) {
            header.addAll(List.of("POD", "NAMESPACE"));
        }
        if (ip) {
            header.add("IP");
        }
        header.addAll(List.of("CHECKPOINTED", "CHKPT SIZE", "ROOT FS DIFF SIZE"));
        Table table = new Table(header);
        for (Checkpoint c : checkpoints) {
            ContainerInfo i = c.container();
            List<String> row = new ArrayList<>(List.of(
                    nz(i.name()),
                    nz(i.image()),
                    shortId(i.id()),
                    nz(i.runtime()),
                    nz(Times.format(i.created())),
                    i.engine().displayName()));
            if (kube) {
                row.addAll(List.of(nz(i.pod()), nz(i.namespace())));
            }
            if (ip) {
                row.add(nz(i.ip()));
            }
            row.addAll(List.of(
                    nz(Times.format(i.checkpointed())),
                    Bytes.human(c.sizes().checkpoint()),
                    Bytes.human(c.sizes().rootfsDiff())));
            table.row(row);
        }
        table.print(out);
        return 0;
    }

    static String shortId(String id) {
        return id == null ? "" : id.length() > 12 ? id.substring(0, 12) : id;
    }

    static String nz(String s) {
        return s == null ? "" : s;
    }
}
