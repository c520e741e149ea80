package dev.amber.agent.export;

import dev.amber.errors.OneLine;
import dev.amber.image.CheckpointImages;
import dev.amber.image.ImageException;
import dev.amber.image.ImageReference;
import dev.amber.image.PushResult;
import dev.amber.image.registry.AuthFiles;
import dev.amber.image.registry.DockerConfigAuth;
import dev.amber.image.registry.RegistryOptions;
import dev.amber.image.registry.RegistryStore;
import dev.amber.kube.agent.CheckpointRequest.ExportTarget;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Pushes to the registry a checkpoint request names, with the credentials the request carries and with no
 * others: the caller acts for a namespace, so the agent's own environment (auth files under its home,
 * {@code $REGISTRY_AUTH_FILE}, registries.conf helpers) must never lend it a registry login.
 *
 * <p>Invariants. Every push reads exactly one auth file, written for that push alone (owner-only, mode 0600, in
 * {@code tempDirectory}) and deleted when the push ends, whatever its outcome; an anonymous target gets an empty
 * one. That file holds the request's {@code auths} and nothing else: {@code credHelpers} and {@code credsStore}
 * are dropped, because they name programs the agent (root, on the node) would run. Credentials appear in no
 * message and no log line. Only registry references are accepted: {@code oci:} and {@code oci-archive:} would
 * write into the node's file system. The push is verified ({@link VerifiedPush}) before its digest is reported.
 */
public final class RegistryTargetExporter implements TargetExporter, AutoCloseable {

    private final RegistryOptions options;
    private final Path tempDirectory;
    /** Stores that need a TLS context of their own make their own client; every other store shares this one. */
    private final HttpClient client;

    /**
     * @param options timeouts, retries and CA directories; its {@code insecure} and {@code authFile} are set per
     *     push from the target
     * @param tempDirectory where a push's auth file lives while the push runs
     */
    public RegistryTargetExporter(RegistryOptions options, Path tempDirectory) {
        this.options = options;
        this.tempDirectory = tempDirectory;
        this.client = RegistryStore.newClient(options);
    }

    @Override
    public String export(Path archive, ExportTarget target) throws IOException {
        ImageReference ref = reference(target.reference());
        long size = Files.size(archive);
        try (DockerConfigAuth credentials = DockerConfigAuth.write(tempDirectory, target.dockerConfigJson())) {
            RegistryOptions push = options.withInsecure(target.plainHttp()).withAuthFile(credentials.file());
            AuthFiles auth = credentials.authFiles();
            CheckpointImages library = new CheckpointImages((r, forPush) -> new RegistryStore(client, r, push, auth));
            PushResult pushed = VerifiedPush.push(library, archive, ref, size);
            // The tag is where the image was pushed; the digest alone says which image it is.
            return new ImageReference(
                            ImageReference.Transport.REGISTRY,
                            ref.registry(),
                            ref.repository(),
                            null,
                            null,
                            pushed.manifestDigest())
                    .toString();
        }
    }

    @Override
    public Optional<String> problem(ExportTarget target) {
        try {
            reference(target.reference());
        } catch (ImageException e) {
            return Optional.of("export.reference: " + OneLine.of(e));
        }
        if (target.dockerConfigJson() != null) {
            try {
                DockerConfigAuth.check(target.dockerConfigJson());
            } catch (IOException e) {
                return Optional.of(e.getMessage());
            }
        }
        return Optional.empty();
    }

    /** Abandons pushes still in flight and lets the shared client's threads end. */
    @Override
    public void close() {
        client.shutdownNow();
    }

    /** The registry reference to push to: a tag, never a digest (a push names its tag), never a layout. */
    private static ImageReference reference(String text) throws ImageException {
        ImageReference ref = ImageReference.parse(text);
        if (!ref.isRegistry()) {
            throw new ImageException("'" + text + "' is not in a registry; the agent pushes to registries only");
        }
        if (ref.digest() != null) {
            throw new ImageException("'" + text + "' names a digest; name a tag to push to");
        }
        return ref;
    }
}
