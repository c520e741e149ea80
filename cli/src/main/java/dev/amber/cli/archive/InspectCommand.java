package dev.amber.cli.archive;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.amber.archive.Checkpoint;
import dev.amber.archive.CheckpointReader;
import dev.amber.cli.output.JsonOutput;
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
        name = "inspect",
        mixinStandardHelpOptions = true,
        description = "Show what a checkpoint holds: processes, command lines, environment, open files, sockets, "
                + "mounts, CRIU statistics and the container's file-system changes.")
public final class InspectCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "ARCHIVE", description = "Checkpoint archives or extracted directories.")
    List<Path> archives;

    @Option(names = "--ps-tree", description = "Show the process tree.")
    boolean psTree;

    @Option(
            names = "--ps-tree-cmd",
            description = "Show the process tree with each process's command line (read from its memory).")
    boolean psTreeCmd;

    @Option(
            names = "--ps-tree-env",
            description = "Show the process tree with each process's environment (read from its memory).")
    boolean psTreeEnv;

    @Option(names = "--files", description = "Show open files per process.")
    boolean files;

    @Option(names = "--sockets", description = "Show sockets per process.")
    boolean sockets;

    @Option(names = "--mounts", description = "Show the container's mounts.")
    boolean mounts;

    @Option(names = "--stats", description = "Show CRIU's dump statistics.")
    boolean stats;

    @Option(names = "--metadata", description = "Show Kubernetes metadata and annotations.")
    boolean metadata;

    @Option(names = "--rootfs-diff", description = "List files the container wrote or deleted in its root file system.")
    boolean rootfsDiff;

    @Option(names = "--all", description = "Show everything above.")
    boolean all;

    @Option(
            names = {"-p", "--pid"},
            paramLabel = "PID",
            description = "Limit the process tree, files and sockets to this process.")
    Integer pid;

    @Option(
            names = "--format",
            defaultValue = "tree",
            description = "Output format: tree or json (default: ${DEFAULT-VALUE}).")
    InspectFormat format;

    @Spec
    CommandSpec spec;

    enum InspectFormat {
        tree,
        json
    }

    @Override
    public Integer call() throws Exception {
        InspectSelection s = selection();
        List<Checkpoint> checkpoints = new ArrayList<>();
        for (Path p : archives) {
            Checkpoint c = CheckpointReader.read(p, s.readParts());
            if (s.pid() != null) {
                PidCheck.require(c, p, s.pid());
            }
            checkpoints.add(c);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (format == InspectFormat.json) {
            ArrayNode nodes = JsonOutput.MAPPER.createArrayNode();
            checkpoints.forEach(c -> nodes.add(CheckpointJson.of(c, s)));
            JsonOutput.print(out, nodes);
        } else {
            for (Checkpoint c : checkpoints) {
                out.println();
                out.println("Displaying container checkpoint tree view from " + c.path());
                out.println();
                CheckpointTree.of(c, s).print(out);
            }
        }
        return 0;
    }

    InspectSelection selection() {
        boolean tree = all || psTree || psTreeCmd || psTreeEnv || pid != null;
        return new InspectSelection(
                tree,
                all || psTreeCmd,
                all || psTreeEnv,
                all || files,
                all || sockets,
                all || mounts,
                all || stats,
                all || metadata,
                all || rootfsDiff,
                pid);
    }
}
