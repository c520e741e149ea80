package dev.amber.cli.image;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "image", mixinStandardHelpOptions = true,
        description = {"Checkpoint images: put a checkpoint archive into an OCI registry (or layout) as an image that",
            "CRI-O, containerd and Podman restore, get it back, or see what an image holds.",
            "References: [docker://]HOST/REPO[:TAG], oci:DIR[:TAG], oci-archive:FILE[:TAG]."},
        subcommands = {PushCommand.class, PullCommand.class, InspectImageCommand.class})
public final class ImageCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
