package dev.amber.cli.image;

import dev.amber.cli.output.Bytes;
import dev.amber.cli.output.JsonOutput;
import dev.amber.cli.output.Table;
import dev.amber.image.CheckpointImageInfo;
import dev.amber.image.ImageReference;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "inspect",
        mixinStandardHelpOptions = true,
        description = {
            "Show what a checkpoint image holds, without downloading its layer.",
            "",
            "Reads the manifest and config only: container, pod, namespace, engine, runtime, sizes, annotations."
        })
public final class InspectImageCommand implements Callable<Integer> {
    @Parameters(
            index = "0",
            paramLabel = "REF",
            description = "HOST/REPO[:TAG|@DIGEST], oci:DIR[:TAG] or oci-archive:FILE[:TAG].")
    String reference;

    @Option(
            names = "--format",
            defaultValue = "table",
            description = "Output: table or json (default: ${DEFAULT-VALUE}).")
    Format format;

    @Mixin
    RegistryFlags registry;

    @Spec
    CommandSpec spec;

    enum Format {
        table,
        json
    }

    @Override
    public Integer call() throws Exception {
        CheckpointImageInfo info = registry.images().inspect(ImageReference.parse(reference));
        PrintWriter out = spec.commandLine().getOut();
        if (format == Format.json) {
            JsonOutput.print(out, json(info));
            return 0;
        }
        Table table = new Table("FIELD", "VALUE");
        table.row("Image", info.reference().toString());
        table.row("Digest", info.manifestDigest());
        table.row("Checkpoint", info.checkpoint() ? "yes" : "no (no checkpoint annotations)");
        table.row("Container", info.container());
        table.row("Pod", info.pod());
        table.row("Namespace", info.namespace());
        table.row("Engine", info.engine().displayName());
        table.row("Runtime", info.runtime());
        table.row("Rootfs image", info.rootfsImage());
        table.row("Checkpointed", info.created() == null ? null : info.created().toString());
        table.row("Platform", info.os() + "/" + info.architecture());
        if (info.layer() != null) {
            table.row("Layer", info.layer().mediaType());
            table.row("Layer size", Bytes.human(info.layer().size()));
        }
        if (info.uncompressedSize() >= 0) {
            table.row("Archive size", Bytes.human(info.uncompressedSize()) + " uncompressed");
        }
        table.print(out);
        out.println();
        Table annotations = new Table("ANNOTATION", "VALUE");
        // Values may span lines (Podman records `runc --version` whole): keep one row per annotation.
        info.annotations()
                .forEach((key, value) -> annotations.row(key, value.strip().replace("\n", "\\n")));
        annotations.print(out);
        return 0;
    }

    private static com.fasterxml.jackson.databind.node.ObjectNode json(CheckpointImageInfo info) {
        var node = JsonOutput.object();
        node.put("image", info.reference().toString());
        node.put("digest", info.manifestDigest());
        node.put("mediaType", info.manifestMediaType());
        node.put("checkpoint", info.checkpoint());
        node.put("container", info.container());
        node.put("pod", info.pod());
        node.put("namespace", info.namespace());
        node.put("podUid", info.podUid());
        node.put("engine", info.engine().displayName());
        node.put("runtime", info.runtime());
        node.put("rootfsImage", info.rootfsImage());
        node.put("rootfsImageId", info.rootfsImageId());
        node.put("checkpointed", info.created() == null ? null : info.created().toString());
        node.put("os", info.os());
        node.put("architecture", info.architecture());
        if (info.layer() != null) {
            var layer = node.putObject("layer");
            layer.put("mediaType", info.layer().mediaType());
            layer.put("digest", info.layer().digest());
            layer.put("size", info.layer().size());
            layer.put("diffId", info.diffId());
            if (info.uncompressedSize() >= 0) {
                layer.put("uncompressedSize", info.uncompressedSize());
            }
        }
        var annotations = node.putObject("annotations");
        info.annotations().forEach(annotations::put);
        return node;
    }
}
