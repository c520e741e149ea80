package dev.amber.image.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.amber.image.ImageReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
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
                }}""".formatted(auth("host-user", "p1"), auth("team-user", "p:2")));
        write(home.resolve(".docker/config.json"), """
                {"auths": {"other.example": {"auth": "%s"}}}""".formatted(auth("docker-user", "p3")));
        AuthFiles files = AuthFiles.standard(null, Map.of("HOME", home.toString(), "XDG_RUNTIME_DIR", runtime.toString()));

        Credentials team = files.lookup(ImageReference.parse("reg.example:5000/team/app")).orElseThrow();
        assertThat(team.username()).isEqualTo("team-user");
        assertThat(team.password()).isEqualTo("p:2");
        assertThat(files.lookup(ImageReference.parse("reg.example:5000/solo/app")).orElseThrow().username()).isEqualTo("host-user");
        assertThat(files.lookup(ImageReference.parse("other.example/x")).orElseThrow().username()).isEqualTo("docker-user");
        assertThat(files.lookup(ImageReference.parse("nobody.example/x"))).isEmpty();
    }

    @Test
    void registryAuthFileComesFirstAndDockerUrlKeysAreUnderstood() throws Exception {
        Path explicitEnv = write(home.resolve("env-auth.json"), """
                {"auths": {"https://index.docker.io/v1/": {"auth": "%s"}}}""".formatted(auth("hub", "x")));
        write(home.resolve(".docker/config.json"), """
                {"auths": {"docker.io": {"auth": "%s"}}}""".formatted(auth("later", "y")));
        AuthFiles files = AuthFiles.standard(null, Map.of("HOME", home.toString(), "REGISTRY_AUTH_FILE", explicitEnv.toString()));
        assertThat(files.lookup(ImageReference.parse("library/busybox")).orElseThrow().username()).isEqualTo("hub");
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
    void credentialsNeverPrintTheirPassword() {
        assertThat(new Credentials("u", "s3cret", "f").toString()).doesNotContain("s3cret");
    }
}
