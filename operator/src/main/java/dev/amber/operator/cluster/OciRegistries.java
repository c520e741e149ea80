package dev.amber.operator.cluster;

import dev.amber.errors.OneLine;
import dev.amber.image.CheckpointImageInfo;
import dev.amber.image.CheckpointImages;
import dev.amber.image.ImageException;
import dev.amber.image.ImageReference;
import dev.amber.image.registry.DockerConfigAuth;
import dev.amber.image.registry.RegistryConnectionException;
import dev.amber.image.registry.RegistryOptions;
import dev.amber.image.registry.RegistryStore;
import dev.amber.operator.OperatorSettings;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Path;

/**
 * Registries through Amber's OCI distribution client. A deletion's credentials pass through an owner-only auth
 * file in the temporary directory (in memory in the chart's Deployment), deleted when the call returns.
 */
public final class OciRegistries implements Registries {
    private final OperatorSettings settings;
    private final Path temporary;
    private final HttpClient client;

    public OciRegistries(OperatorSettings settings, Path temporary) {
        this.settings = settings;
        this.temporary = temporary;
        this.client = RegistryStore.newClient(RegistryOptions.defaults());
    }

    @Override
    public CheckpointImageInfo inspect(String imageByDigest) throws IOException {
        ImageReference ref = ImageReference.parse(imageByDigest);
        RegistryOptions options = RegistryOptions.defaults().withInsecure(settings.plainHttp(imageByDigest));
        try (DockerConfigAuth anonymous = DockerConfigAuth.write(temporary, null)) {
            RegistryOptions reading = options.withAuthFile(anonymous.file());
            CheckpointImages images =
                    new CheckpointImages((r, forPush) -> new RegistryStore(client, r, reading, anonymous.authFiles()));
            return images.inspect(ref);
        } catch (RegistryConnectionException e) {
            throw new RegistryUnreachable(OneLine.of(e), e);
        } catch (ImageException e) {
            throw new IOException(OneLine.of(e), e);
        }
    }

    @Override
    public boolean deleteImage(String imageByDigest, String dockerConfigJson) throws IOException {
        ImageReference ref = ImageReference.parse(imageByDigest);
        if (!ref.isRegistry() || ref.digest() == null) {
            throw new IOException(imageByDigest + " is not an image in a registry by digest");
        }
        RegistryOptions options = RegistryOptions.defaults().withInsecure(settings.plainHttp(imageByDigest));
        try (DockerConfigAuth credentials = DockerConfigAuth.write(temporary, dockerConfigJson)) {
            RegistryStore store =
                    new RegistryStore(client, ref, options.withAuthFile(credentials.file()), credentials.authFiles());
            return store.deleteManifest(ref.digest());
        } catch (RegistryConnectionException e) {
            throw new RegistryUnreachable(OneLine.of(e), e);
        } catch (ImageException e) {
            throw new IOException(OneLine.of(e), e);
        }
    }
}
