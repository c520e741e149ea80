package dev.amber.testkit.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Turns a kubelet checkpoint archive into a checkpoint image the documented way, with buildah: an
 * image from scratch whose one layer is the archive's contents at {@code /}, OCI format, with the
 * {@code org.criu.checkpoint.*} annotations on the manifest, pushed to a plain-HTTP registry. This is
 * the by-hand reference recipe; the image module builds the same thing without buildah.
 */
public final class BuildahCheckpointImage {

    /** The annotation containerd 2.x looks for to treat an image as a checkpoint of that container. */
    public static final String CONTAINER_NAME_ANNOTATION = "org.criu.checkpoint.container.name";

    private BuildahCheckpointImage() {}

    /**
     * Builds the image from {@code archive} and pushes it to {@code reference}
     * (e.g. {@code 127.0.0.1:5000/amber-test/counter:1}); extra annotations go beside the container name.
     */
    public static void push(Path archive, String containerName, Map<String, String> annotations, String reference) {
        String container = buildah("from", "scratch").strip();
        String local = "localhost/amber-checkpoint-build/" + container + ":latest";
        try {
            buildah("add", container, archive.toString(), "/");
            List<String> config =
                    new ArrayList<>(List.of("config", "--annotation", CONTAINER_NAME_ANNOTATION + "=" + containerName));
            annotations.forEach((key, value) -> config.addAll(List.of("--annotation", key + "=" + value)));
            config.add(container);
            buildah(config.toArray(String[]::new));
            buildah("commit", "--quiet", "--format", "oci", container, local);
            buildah("push", "--quiet", "--tls-verify=false", local, "docker://" + reference);
        } finally {
            buildah("rm", container);
            try {
                buildah("rmi", local);
            } catch (IllegalStateException notCommitted) {
                // the build failed before commit; the original failure is the one that matters
            }
        }
    }

    static String buildah(String... args) {
        List<String> command = new ArrayList<>();
        command.add("buildah");
        command.addAll(List.of(args));
        Path err = null;
        try {
            err = Files.createTempFile("buildah-err-", ".txt");
            Process process = new ProcessBuilder(command)
                    .redirectError(err.toFile())
                    .redirectInput(
                            ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .start();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(5, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within 5 minutes");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: "
                        + Files.readString(err, StandardCharsets.UTF_8).strip());
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run buildah (Debian package buildah)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running buildah", e);
        } finally {
            if (err != null) {
                err.toFile().delete();
            }
        }
    }
}
