package dev.amber.cli.image;

import dev.amber.image.CheckpointImages;
import dev.amber.image.registry.RegistryOptions;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Registry options every image subcommand shares. */
final class RegistryFlags {
    @Option(
            names = "--insecure",
            description = "Talk plain HTTP to the registry (a local registry). Otherwise TLS, trusting "
                    + "the JVM's CAs and those in certs.d/HOST:PORT/*.crt and offering the client certificate "
                    + "NAME.cert with NAME.key from there (~/.config/containers/certs.d, /etc/containers/certs.d "
                    + "or /etc/docker/certs.d, the first that has HOST:PORT).")
    boolean insecure;

    @Option(
            names = "--authfile",
            paramLabel = "FILE",
            description =
                    "Credentials file (Podman/Docker format). Default: $REGISTRY_AUTH_FILE, "
                            + "$XDG_RUNTIME_DIR/containers/auth.json, ~/.config/containers/auth.json, "
                            + "~/.docker/config.json (or $DOCKER_CONFIG/config.json). "
                            + "Runs the credential helpers they name (credHelpers, credsStore: docker-credential-NAME on PATH).")
    Path authFile;

    CheckpointImages images() {
        // Larger buffers in the JDK HTTP client: about a tenth less CPU for a 1 GiB upload (measured, see
        // docs/benchmarks.md). Read once when the client's classes load, so it is set before any client exists.
        if (System.getProperty("jdk.httpclient.bufsize") == null) {
            System.setProperty("jdk.httpclient.bufsize", Integer.toString(1 << 20));
        }
        return CheckpointImages.standard(
                RegistryOptions.defaults().withInsecure(insecure).withAuthFile(authFile));
    }
}
