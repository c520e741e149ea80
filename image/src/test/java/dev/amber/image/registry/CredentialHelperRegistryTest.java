package dev.amber.image.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.amber.archive.synthetic.SyntheticCheckpoint;
import dev.amber.image.CheckpointImages;
import dev.amber.image.ImageException;
import dev.amber.image.ImageReference;
import dev.amber.image.PushOptions;
import dev.amber.image.PushResult;
import dev.amber.image.oci.Digests;
import dev.amber.testkit.process.ExternalCommand;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Credential helpers end to end: real {@code docker-credential-*} executables on a PATH the test sets,
 * named by {@code credHelpers} or {@code credsStore} in a Docker config file, against Debian's
 * docker-registry with htpasswd (Basic) and with token authentication (the identity-token flow).
 */
@Tag("registry")
class CredentialHelperRegistryTest {
    @TempDir
    static Path dir;

    private static HtpasswdRegistry basic;
    private static TokenAuthRegistry tokens;
    private static Path archive;

    @BeforeAll
    static void start() throws Exception {
        basic = HtpasswdRegistry.start();
        tokens = TokenAuthRegistry.start();
        archive = SyntheticCheckpoint.standard(new byte[150_000])
                .writeTar(dir.resolve("c.tar"), SyntheticCheckpoint.Compression.NONE);
    }

    @AfterAll
    static void stop() throws Exception {
        basic.close();
        tokens.close();
    }

    /** Images through registries only, with auth files read under {@code env} (whose PATH finds the helpers). */
    private static CheckpointImages images(Path configFile, Path bin) {
        RegistryOptions options = RegistryOptions.defaults().withInsecure(true);
        HttpClient client = RegistryStore.newClient(options);
        AuthFiles authFiles = AuthFiles.standard(configFile, HelperScripts.env(bin));
        return new CheckpointImages((ref, forPush) -> new RegistryStore(client, ref, options, authFiles));
    }

    /** Images through registries only, with the standard search under {@code env}: no --authfile. */
    private static CheckpointImages images(Map<String, String> env) {
        RegistryOptions options = RegistryOptions.defaults().withInsecure(true);
        HttpClient client = RegistryStore.newClient(options);
        AuthFiles authFiles = AuthFiles.standard(null, env);
        return new CheckpointImages((ref, forPush) -> new RegistryStore(client, ref, options, authFiles));
    }

    private static Path config(String name, String json) throws Exception {
        return Files.writeString(dir.resolve(name), json);
    }

    @Test
    void aCredHelpersEntryServesAPushAndInspectOnAnHtpasswdRegistry() throws Exception {
        Path bin = dir.resolve("bin-basic");
        HelperScripts.answering(
                bin, "amber-test", Map.of(basic.hostPort(), List.of(HtpasswdRegistry.USER, HtpasswdRegistry.PASSWORD)));
        // auths holds a wrong password: the helper must win over it.
        String json = """
                {"auths": {"%1$s": {"auth": "d3Jvbmc6d3Jvbmc="}}, "credHelpers": {"%1$s": "amber-test"}}""";
        Path config = config("basic.json", json.formatted(basic.hostPort()));
        ImageReference ref = ImageReference.parse(basic.hostPort() + "/ckpt/helper:v1");

        PushResult pushed = images(config, bin).push(archive, ref, PushOptions.defaults());

        assertThat(images(config, bin).inspect(ref).manifestDigest()).isEqualTo(pushed.manifestDigest());
        assertThat(HelperScripts.asked(bin, "amber-test")).isNotEmpty().containsOnly(basic.hostPort());
    }

    /**
     * Podman's way to name helpers for every registry: credential-helpers in the user's
     * registries.conf, with no auth file anywhere. skopeo, reading the same HOME and PATH, must find
     * the same credentials, so the setting means to Amber what it means to containers/image.
     */
    @Test
    void credentialHelpersInRegistriesConfServeAPushWithoutAnyAuthFile() throws Exception {
        Path bin = dir.resolve("bin-registries-conf");
        HelperScripts.answering(
                bin, "amber-rc", Map.of(basic.hostPort(), List.of(HtpasswdRegistry.USER, HtpasswdRegistry.PASSWORD)));
        Path home = dir.resolve("home-registries-conf");
        Files.createDirectories(home.resolve(".config/containers"));
        Files.writeString(home.resolve(".config/containers/registries.conf"), """
                # the keyring first, then the auth files
                credential-helpers = ["amber-rc", "containers-auth.json"]
                """);
        Map<String, String> env = Map.of(
                "PATH",
                bin + ":/usr/bin:/bin",
                "HOME",
                home.toString(),
                "XDG_RUNTIME_DIR",
                home.resolve("run").toString());
        ImageReference ref = ImageReference.parse(basic.hostPort() + "/ckpt/registries-conf:v1");

        PushResult pushed = images(env).push(archive, ref, PushOptions.defaults());

        assertThat(HelperScripts.asked(bin, "amber-rc")).isNotEmpty().containsOnly(basic.hostPort());
        ExternalCommand.Result skopeo = ExternalCommand.run(
                List.of("skopeo", "inspect", "--raw", "--tls-verify=false", "docker://" + ref),
                dir,
                env,
                Duration.ofSeconds(60));
        assertThat(skopeo.exitCode()).as("skopeo: %s", skopeo.stderr()).isZero();
        assertThat(Digests.sha256(skopeo.stdout().getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(pushed.manifestDigest());

        // A helper that is not installed does not stop the search (containers/image's rule), ...
        Files.writeString(
                home.resolve(".config/containers/registries.conf"),
                "credential-helpers = [\"not-installed\", \"amber-rc\"]\n");
        assertThat(images(env).push(archive, ref, PushOptions.defaults()).manifestDigest())
                .isEqualTo(pushed.manifestDigest());
        // ... but when nothing else has credentials, its failure is the answer, in one line.
        Files.writeString(
                home.resolve(".config/containers/registries.conf"),
                "credential-helpers = [\"not-installed\", \"containers-auth.json\"]\n");
        assertThatThrownBy(() -> images(env).push(archive, ref, PushOptions.defaults()))
                .isInstanceOf(ImageException.class)
                .hasMessageContaining("docker-credential-not-installed")
                .hasMessageContaining("registries.conf")
                .hasMessageNotContaining("\n");

        // Without the setting the helper is not asked, and the registry refuses the anonymous push.
        Files.writeString(home.resolve(".config/containers/registries.conf"), "");
        assertThatThrownBy(() -> images(env).push(archive, ref, PushOptions.defaults()))
                .isInstanceOf(ImageException.class);
    }

    @Test
    void credentialsTheRegistryRefusesNameTheHelper() throws Exception {
        Path bin = dir.resolve("bin-wrong");
        HelperScripts.answering(bin, "stale", Map.of(basic.hostPort(), List.of(HtpasswdRegistry.USER, "expired")));
        Path config = config("stale.json", """
                {"credsStore": "stale"}""");
        ImageReference ref = ImageReference.parse(basic.hostPort() + "/ckpt/stale:v1");
        assertThatThrownBy(() -> images(config, bin).inspect(ref))
                .hasMessage("registry " + basic.hostPort() + " refused the credentials of '" + HtpasswdRegistry.USER
                        + "' (from credential helper docker-credential-stale) for pull of manifest of ckpt/stale");
    }

    @Test
    void aHelperWithNothingForTheRegistryMeansAnonymous() throws Exception {
        Path bin = dir.resolve("bin-empty");
        HelperScripts.answering(bin, "empty", Map.of("elsewhere.example", List.of("u", "p")));
        Path config = config("empty.json", """
                {"credsStore": "empty"}""");
        ImageReference ref = ImageReference.parse(basic.hostPort() + "/ckpt/anon:v1");
        // The request went out anonymously and the registry's refusal is reported, not the helper's answer.
        assertThatThrownBy(() -> images(config, bin).inspect(ref))
                .hasMessage("registry " + basic.hostPort()
                        + " requires credentials for pull of manifest of ckpt/anon; none found in [" + config
                        + "] (log in with podman login, or pass --authfile)");
        assertThat(HelperScripts.asked(bin, "empty")).containsExactly(basic.hostPort());
    }

    @Test
    void aMissingHelperIsAOneLineErrorNamingIt() throws Exception {
        Path config = config("missing.json", """
                {"credHelpers": {"%s": "not-installed"}}""".formatted(basic.hostPort()));
        ImageReference ref = ImageReference.parse(basic.hostPort() + "/ckpt/missing:v1");
        assertThatThrownBy(() -> images(config, dir.resolve("no-bin")).push(archive, ref, PushOptions.defaults()))
                .isInstanceOf(ImageException.class)
                .hasMessage("credential helper docker-credential-not-installed (credHelpers \"" + basic.hostPort()
                        + "\" in " + config + ") is not on PATH; install it or remove it from the auth file");
    }

    @Test
    void anIdentityTokenFromAHelperIsTradedWithTheOAuth2RefreshGrant() throws Exception {
        Path bin = dir.resolve("bin-token");
        HelperScripts.answering(
                bin, "oauth", Map.of(tokens.hostPort(), List.of("<token>", TokenAuthRegistry.REFRESH_TOKEN)));
        Path config = config("token.json", """
                {"credHelpers": {"%s": "oauth"}}""".formatted(tokens.hostPort()));
        ImageReference ref = ImageReference.parse(tokens.hostPort() + "/ckpt/identity:v1");
        int grantsBefore = tokens.refreshGrants();
        int basicBefore = tokens.tokensIssued();

        PushResult pushed = images(config, bin).push(archive, ref, PushOptions.defaults());

        assertThat(images(config, bin).inspect(ref).manifestDigest()).isEqualTo(pushed.manifestDigest());
        assertThat(tokens.refreshGrants() - grantsBefore).isPositive();
        assertThat(tokens.tokensIssued()).isEqualTo(basicBefore); // no Basic GET token was asked for
    }

    @Test
    void aRefusedIdentityTokenIsAOneLineError() throws Exception {
        Path bin = dir.resolve("bin-badtoken");
        HelperScripts.answering(bin, "oauth", Map.of(tokens.hostPort(), List.of("<token>", "revoked-token")));
        Path config = config("badtoken.json", """
                {"credsStore": "oauth"}""");
        ImageReference ref = ImageReference.parse(tokens.hostPort() + "/ckpt/revoked:v1");
        assertThatThrownBy(() -> images(config, bin).inspect(ref))
                .hasMessage("registry " + tokens.hostPort()
                        + " refused the identity token (from credential helper docker-credential-oauth)"
                        + " for pull of manifest of ckpt/revoked");
    }
}
