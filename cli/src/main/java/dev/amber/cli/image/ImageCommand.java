package dev.amber.cli.image;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
        name = "image",
        mixinStandardHelpOptions = true,
        description = {
            "Checkpoint images that CRI-O, containerd and Podman restore: push, pull, inspect.",
            "",
            "References: [docker://]HOST/REPO[:TAG][@DIGEST] for a registry, oci:DIR[:TAG] for an OCI image layout "
                    + "directory, oci-archive:FILE[:TAG] for one in a tar file (air-gapped moves)."
        },
        subcommands = {PushCommand.class, PullCommand.class, InspectImageCommand.class})
public final class ImageCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
