package dev.amber.image.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.amber.image.ImageReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthFilesTest {
    @TempDir
    Path home;

    private static String auth(String user, String password) {
        return Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private Path write(Path file, String json) throws Exception {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, json);
    }

    @Test
    void theMostSpecificEntryOfTheFirstFileThatHasOneWins() throws Exception {
        Path runtime = home.resolve("run");
        write(runtime.resolve("containers/auth.json"), """
                {"auths": {
                  "reg.example:5000": {"auth": "%s"},
                  "reg.example:5000/team": {"auth": "%s"}
                }}""".formatted(
                        auth("host-user", "p1"), auth("team-user", "p:2")));
        write(home.resolve(".docker/config.json"), """
                {"auths": {"other.example": {"auth": "%s"}}}""".formatted(auth("docker-user", "p3")));
        AuthFiles files =
                AuthFiles.standard(null, Map.of("HOME", home.toString(), "XDG_RUNTIME_DIR", runtime.toString()));

        Credentials team =
                files.lookup(ImageReference.parse("reg.example:5000/team/app")).orElseThrow();
        assertThat(team.username()).isEqualTo("team-user");
        assertThat(team.password()).isEqualTo("p:2");
        assertThat(files.lookup(ImageReference.parse("reg.example:5000/solo/app"))
                        .orElseThrow()
                        .username())
                .isEqualTo("host-user");
        assertThat(files.lookup(ImageReference.parse("other.example/x"))
                        .orElseThrow()
                        .username())
                .isEqualTo("docker-user");
        assertThat(files.lookup(ImageReference.parse("nobody.example/x"))).isEmpty();
    }

    @Test
    void registryAuthFileComesFirstAndDockerUrlKeysAreUnderstood() throws Exception {
        Path explicitEnv = write(home.resolve("env-auth.json"), """
                {"auths": {"https://index.docker.io/v1/": {"auth": "%s"}}}""".formatted(auth("hub", "x")));
        write(home.resolve(".docker/config.json"), """
                {"auths": {"docker.io": {"auth": "%s"}}}""".formatted(auth("later", "y")));
        AuthFiles files =
                AuthFiles.standard(null, Map.of("HOME", home.toString(), "REGISTRY_AUTH_FILE", explicitEnv.toString()));
        assertThat(files.lookup(ImageReference.parse("library/busybox"))
                        .orElseThrow()
                        .username())
                .isEqualTo("hub");
    }

    @Test
    void dockerConfigReplacesTheHomeDockerDirectory() throws Exception {
        write(home.resolve(".docker/config.json"), """
                {"auths": {"reg.example": {"auth": "%s"}}}""".formatted(auth("home-docker", "p")));
        Path ci = write(home.resolve("ci-docker/config.json"), """
                {"auths": {"reg.example": {"auth": "%s"}}}""".formatted(auth("ci-docker", "q")));
        AuthFiles files = AuthFiles.standard(
                null,
                Map.of("HOME", home.toString(), "DOCKER_CONFIG", ci.getParent().toString()));
        assertThat(files.files()).contains(ci).doesNotContain(home.resolve(".docker/config.json"));
        assertThat(files.lookup(ImageReference.parse("reg.example/x"))
                        .orElseThrow()
                        .username())
                .isEqualTo("ci-docker");
    }

    @Test
    void anExplicitAuthFileIsTheOnlyOneReadAndMustExist() throws Exception {
        write(home.resolve(".docker/config.json"), """
                {"auths": {"reg.example": {"auth": "%s"}}}""".formatted(auth("docker-user", "p")));
        Path missing = home.resolve("nope.json");
        AuthFiles files = AuthFiles.standard(missing, Map.of("HOME", home.toString()));
        assertThatThrownBy(() -> files.lookup(ImageReference.parse("reg.example/x")))
                .hasMessage("auth file " + missing + " does not exist");
    }

    @Test
    void brokenEntriesGiveOneLineErrors() throws Exception {
        Path file = write(home.resolve("auth.json"), """
                {"auths": {"reg.example": {"auth": "bm9jb2xvbg=="}}}""");
        assertThatThrownBy(() -> AuthFiles.standard(file, Map.of()).lookup(ImageReference.parse("reg.example/x")))
                .hasMessageContaining("is not user:password");
        Files.writeString(file, "{not json");
        assertThatThrownBy(() -> AuthFiles.standard(file, Map.of()).lookup(ImageReference.parse("reg.example/x")))
                .hasMessageContaining("is not valid JSON");
    }

    @Test
    void credentialsNeverPrintTheirSecret() {
        assertThat(Credentials.basic("u", "s3cret", "f").toString()).doesNotContain("s3cret");
        assertThat(Credentials.identityToken("t0ken", "f").toString()).doesNotContain("t0ken");
    }

    @Test
    void aCredHelpersEntryWinsOverCredsStoreWhichWinsOverAuths() throws Exception {
        Path bin = home.resolve("bin");
        HelperScripts.answering(bin, "per-host", Map.of("reg.example:5000", List.of("from-cred-helpers", "p1")));
        HelperScripts.answering(
                bin,
                "store",
                Map.of("reg.example:5000", List.of("from-store", "p2"), "other.example", List.of("store-other", "p3")));
        Path file = write(
                home.resolve(".docker/config.json"), """
                {"auths": {"reg.example:5000": {"auth": "%s"}, "other.example": {"auth": "%s"}},
                 "credsStore": "store",
                 "credHelpers": {"reg.example:5000": "per-host"}}""".formatted(auth("from-auths", "a"), auth("from-auths", "b")));
        AuthFiles files = new AuthFiles(List.of(file), false, HelperScripts.env(bin));

        Credentials perHost =
                files.lookup(ImageReference.parse("reg.example:5000/team/app")).orElseThrow();
        assertThat(perHost.username()).isEqualTo("from-cred-helpers");
        assertThat(perHost.password()).isEqualTo("p1");
        assertThat(perHost.source()).isEqualTo("credential helper docker-credential-per-host");
        assertThat(files.lookup(ImageReference.parse("other.example/x"))
                        .orElseThrow()
                        .username())
                .isEqualTo("store-other");
        // The helpers were asked with the registry's host[:port] on stdin, nothing more.
        assertThat(HelperScripts.asked(bin, "per-host")).containsExactly("reg.example:5000");
        assertThat(HelperScripts.asked(bin, "store")).containsExactly("other.example");
    }

    @Test
    void aTokenUserNameMeansTheSecretIsAnIdentityToken() throws Exception {
        Path bin = home.resolve("bin");
        HelperScripts.answering(bin, "ecr-ish", Map.of("reg.example", List.of("<token>", "refresh-me")));
        Path file = write(home.resolve("config.json"), """
                {"credHelpers": {"reg.example": "ecr-ish"}}""");
        Credentials c = new AuthFiles(List.of(file), true, HelperScripts.env(bin))
                .lookup(ImageReference.parse("reg.example/x"))
                .orElseThrow();
        assertThat(c.isIdentityToken()).isTrue();
        assertThat(c.identityToken()).isEqualTo("refresh-me");
        assertThat(c.basicHeader()).isNull();
    }

    @Test
    void anAuthsIdentityTokenComesBeforeItsUserAndPassword() throws Exception {
        Path file = write(home.resolve("config.json"), """
                {"auths": {"reg.example": {"auth": "%s", "identitytoken": "idt"}}}""".formatted(auth("u", "p")));
        Credentials c = AuthFiles.standard(file, Map.of())
                .lookup(ImageReference.parse("reg.example/x"))
                .orElseThrow();
        assertThat(c.identityToken()).isEqualTo("idt");
    }

    @Test
    void aHelperWithoutCredentialsSendsTheSearchToTheNextFileAndThenToAnonymous() throws Exception {
        Path bin = home.resolve("bin");
        HelperScripts.answering(bin, "empty", Map.of());
        Path runtime = home.resolve("run");
        write(runtime.resolve("containers/auth.json"), """
                {"credHelpers": {"reg.example": "empty"}, "auths": {"reg.example": {"auth": "%s"}}}""".formatted(auth("skipped", "x")));
        write(home.resolve(".docker/config.json"), """
                {"auths": {"reg.example": {"auth": "%s"}}}""".formatted(auth("next-file", "y")));
        Map<String, String> env = new HashMap<>(HelperScripts.env(bin));
        env.put("HOME", home.toString());
        env.put("XDG_RUNTIME_DIR", runtime.toString());
        AuthFiles files = AuthFiles.standard(null, env);
        // The helper's file leaves its own auths aside (Docker's rule); the next file answers.
        assertThat(files.lookup(ImageReference.parse("reg.example/x"))
                        .orElseThrow()
                        .username())
                .isEqualTo("next-file");
        assertThat(HelperScripts.asked(bin, "empty")).containsExactly("reg.example");

        Path alone = write(home.resolve("alone.json"), """
                {"credsStore": "empty", "auths": {"reg.example": {"auth": "%s"}}}""".formatted(auth("ignored", "z")));
        assertThat(AuthFiles.standard(alone, env).lookup(ImageReference.parse("reg.example/x")))
                .isEmpty();
    }

    @Test
    void dockerHubIsAskedForUnderTheUrlDockerLoginStoresItUnder() throws Exception {
        Path bin = home.resolve("bin");
        HelperScripts.answering(bin, "hub", Map.of("https://index.docker.io/v1/", List.of("hub-user", "h")));
        Path file = write(home.resolve("config.json"), """
                {"credsStore": "hub"}""");
        assertThat(AuthFiles.standard(file, HelperScripts.env(bin))
                        .lookup(ImageReference.parse("library/busybox"))
                        .orElseThrow()
                        .username())
                .isEqualTo("hub-user");
    }

    @Test
    void aMissingOrFailingHelperIsAOneLineErrorNamingIt() throws Exception {
        Path bin = home.resolve("bin");
        HelperScripts.failing(bin, "broken", "error getting credentials - keychain locked");
        Path file = write(home.resolve("config.json"), """
                {"credHelpers": {"reg.example": "absent", "broken.example": "broken"}}""");
        AuthFiles files = AuthFiles.standard(file, HelperScripts.env(bin));
        assertThatThrownBy(() -> files.lookup(ImageReference.parse("reg.example/x")))
                .hasMessage("credential helper docker-credential-absent (credHelpers \"reg.example\" in " + file
                        + ") is not on PATH; install it or remove it from the auth file");
        assertThatThrownBy(() -> files.lookup(ImageReference.parse("broken.example/x")))
                .hasMessage("credential helper docker-credential-broken (credHelpers \"broken.example\" in " + file
                        + ") failed for broken.example (exit 1): error getting credentials - keychain locked");
    }

    @Test
    void aHelperThatHangsTimesOutWithOneLine() throws Exception {
        Path bin = home.resolve("bin");
        HelperScripts.hanging(bin, "stuck");
        CredentialHelper helper = new CredentialHelper("stuck", "credsStore in config.json");
        assertThatThrownBy(() -> helper.get("reg.example", HelperScripts.env(bin), Duration.ofSeconds(1)))
                .hasMessage(
                        "credential helper docker-credential-stuck (credsStore in config.json) did not answer within 1 s");
    }
}
