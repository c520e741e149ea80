package dev.amber.cli.image;

import dev.amber.image.ImageReference;
import dev.amber.image.PullResult;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "pull",
        mixinStandardHelpOptions = true,
        description = {
            "Get the checkpoint archive back from a checkpoint image.",
            "",
            "Writes the layer as it was pushed, checked against its digest; it restores with "
                    + "podman container restore --import FILE. Prints the file written."
        })
public final class PullCommand implements Callable<Integer> {
    @Parameters(
            index = "0",
            paramLabel = "REF",
            description = "HOST/REPO[:TAG|@DIGEST], oci:DIR[:TAG] or oci-archive:FILE[:TAG].")
    String reference;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "FILE|DIR",
            description =
                    "Archive file to write, or a directory to write <container>-checkpoint.tar[.zst|.gz] into (default: .).")
    Path output;

    @Mixin
    RegistryFlags registry;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ImageReference ref = ImageReference.parse(reference);
        PullResult result;
        try (ProgressBar bar = new ProgressBar()) {
            result = registry.images().pull(ref, output, bar);
        }
        spec.commandLine().getOut().println(result.archive());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
