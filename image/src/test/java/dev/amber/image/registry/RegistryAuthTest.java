package dev.amber.image.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.amber.archive.synthetic.SyntheticCheckpoint;
import dev.amber.image.CheckpointImages;
import dev.amber.image.ImageException;
import dev.amber.image.ImageReference;
import dev.amber.image.PushOptions;
import dev.amber.image.PushResult;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The token challenge flow and auth-file credentials against a registry that requires tokens. */
@Tag("registry")
class RegistryAuthTest {
    @TempDir
    static Path dir;

    private static TokenAuthRegistry registry;
    private static Path archive;

    @BeforeAll
    static void start() throws Exception {
        registry = TokenAuthRegistry.start();
        archive = SyntheticCheckpoint.standard(new byte[200_000])
                .writeTar(dir.resolve("c.tar"), SyntheticCheckpoint.Compression.NONE);
    }

    @AfterAll
    static void stop() throws Exception {
        registry.close();
    }

    private static CheckpointImages images(Path authFile) {
        return CheckpointImages.standard(
                RegistryOptions.defaults().withInsecure(true).withAuthFile(authFile));
    }

    @Test
    void credentialsFromTheAuthFileBuyATokenThatServesTheWholePush() throws Exception {
        ImageReference ref = ImageReference.parse(registry.hostPort() + "/ckpt/authed:v1");
        int before = registry.tokensIssued();
        PushResult pushed =
                images(registry.authFile(TokenAuthRegistry.PASSWORD)).push(archive, ref, PushOptions.defaults());
        // One token for the first check (pull scope), one for pull+push; every later request reuses them.
        assertThat(registry.tokensIssued() - before).isBetween(1, 2);
        assertThat(images(registry.authFile(TokenAuthRegistry.PASSWORD))
                        .inspect(ref)
                        .manifestDigest())
                .isEqualTo(pushed.manifestDigest());
    }

    @Test
    void wrongCredentialsAreRefusedInOneLine() throws Exception {
        Path authFile = registry.authFile("wrong");
        ImageReference ref = ImageReference.parse(registry.hostPort() + "/ckpt/refused:v1");
        assertThatThrownBy(() -> images(authFile).push(archive, ref, PushOptions.defaults()))
                .isInstanceOf(ImageException.class)
                .hasMessage("registry " + registry.hostPort() + " refused the credentials of 'amber' (from " + authFile
                        + ") for upload of layer of ckpt/refused");
    }

    @Test
    void missingCredentialsSayWhereTheyWereLookedFor() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty-auth.json"), "{\"auths\":{}}");
        ImageReference ref = ImageReference.parse(registry.hostPort() + "/ckpt/anon:v1");
        assertThatThrownBy(() -> images(empty).inspect(ref))
                .hasMessage("registry " + registry.hostPort()
                        + " requires credentials for pull of manifest of ckpt/anon; none found in [" + empty
                        + "] (log in with podman login, or pass --authfile)");
    }
}
