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
        return call(
                imageByDigest,
                null,
                (ref, stores) -> new CheckpointImages((r, forPush) -> stores.open(r)).inspect(ref));
    }

    @Override
    public boolean deleteImage(String imageByDigest, String dockerConfigJson) throws IOException {
        return call(imageByDigest, dockerConfigJson, (ref, stores) -> {
            if (!ref.isRegistry() || ref.digest() == null) {
                throw new IOException(imageByDigest + " is not an image in a registry by digest");
            }
            try (RegistryStore store = stores.open(ref)) {
                return store.deleteManifest(ref.digest());
            }
        });
    }

    /** One registry operation on a reference. */
    private interface RegistryCall<T> {
        T run(ImageReference ref, Stores stores) throws IOException;
    }

    /** Opens a reference's repository with the call's credentials. */
    private interface Stores {
        RegistryStore open(ImageReference ref) throws ImageException;
    }

    /**
     * Runs one operation with the credentials of {@code dockerConfigJson} (null: anonymous) in a file that lives as
     * long as the call, over plain HTTP where the operator's settings say so; a registry that cannot be reached is
     * {@link RegistryUnreachable}, any other failure one line.
     */
    private <T> T call(String imageByDigest, String dockerConfigJson, RegistryCall<T> call) throws IOException {
        RegistryOptions options = RegistryOptions.defaults().withInsecure(settings.plainHttp(imageByDigest));
        try (DockerConfigAuth credentials = DockerConfigAuth.write(temporary, dockerConfigJson)) {
            RegistryOptions withCredentials = options.withAuthFile(credentials.file());
            Stores stores = r -> new RegistryStore(client, r, withCredentials, credentials.authFiles());
            return call.run(ImageReference.parse(imageByDigest), stores);
        } catch (RegistryConnectionException e) {
            throw new RegistryUnreachable(OneLine.of(e), e);
        } catch (ImageException e) {
            throw new IOException(OneLine.of(e), e);
        }
    }
}
