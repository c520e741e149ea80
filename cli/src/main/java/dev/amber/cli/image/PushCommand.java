package dev.amber.cli.image;

import dev.amber.cli.output.JsonOutput;
import dev.amber.image.ImageReference;
import dev.amber.image.PushOptions;
import dev.amber.image.PushResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "push",
        mixinStandardHelpOptions = true,
        description = {
            "Push a checkpoint archive as a checkpoint image.",
            "",
            "One layer, the archive as it is (tar, tar+zstd or tar+gzip), read once to hash and upload it; manifest "
                    + "annotations for CRI-O, containerd and Podman from the archive's metadata. Prints the pushed "
                    + "reference with its digest."
        })
public final class PushCommand implements Callable<Integer> {
    @Parameters(
            index = "0",
            paramLabel = "ARCHIVE",
            description = "Checkpoint archive (kubelet tar, Podman tar/tar.zst/tar.gz).")
    Path archive;

    @Parameters(
            index = "1",
            paramLabel = "REF",
            description = "Where to push: HOST/REPO[:TAG], oci:DIR[:TAG] or oci-archive:FILE[:TAG].")
    String reference;

    @Option(names = "--annotation", paramLabel = "KEY=VALUE", description = "Extra manifest annotation (repeatable).")
    Map<String, String> annotations = Map.of();

    @Option(
            names = "--format",
            defaultValue = "text",
            description = "Output: text or json (default: ${DEFAULT-VALUE}).")
    Format format;

    @Mixin
    RegistryFlags registry;

    @Spec
    CommandSpec spec;

    enum Format {
        text,
        json
    }

    @Override
    public Integer call() throws Exception {
        ImageReference ref = ImageReference.parse(reference);
        PushResult result;
        try (ProgressBar bar = new ProgressBar()) {
            result = registry.images().push(archive, ref, new PushOptions(annotations, bar));
        }
        PrintWriter out = spec.commandLine().getOut();
        if (format == Format.json) {
            var node = JsonOutput.object();
            node.put("reference", result.reference().toString());
            node.put("digest", result.manifestDigest());
            node.put("layerDigest", result.layer().digest());
            node.put("layerMediaType", result.layer().mediaType());
            node.put("layerSize", result.layer().size());
            node.put("diffId", result.diffId());
            node.put("layerUploaded", result.layerUploaded());
            JsonOutput.print(out, node);
        } else {
            out.println(result.reference());
            out.flush();
        }
        return 0;
    }
}
