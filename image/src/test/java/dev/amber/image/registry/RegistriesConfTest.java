package dev.amber.image.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.amber.image.ImageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistriesConfTest {
    private static final Path FILE = Path.of("/etc/containers/registries.conf");

    @TempDir
    Path dir;

    @Test
    void readsTheTopLevelArrayAcrossLinesCommentsAndQuotes() throws Exception {
        String toml = """
                # Podman's defaults, more or less
                unqualified-search-registries = ["docker.io", "quay.io"]
                short-name-mode = "enforcing"  # a comment with "quotes" and [brackets]
                credential-helpers = [
                  'secretservice',  # the desktop keyring first
                  "containers-auth.json",
                ]
                [[registry]]
                location = "example.com"
                """;
        assertThat(RegistriesConf.credentialHelpersIn(toml, FILE))
                .hasValue(List.of("secretservice", "containers-auth.json"));
    }

    @Test
    void aKeyInsideATableOrOtherKeysWithTrickyValuesAreNotTheSetting() throws Exception {
        String toml = """
                aliases = { "x" = "y", "z" = "[credential-helpers]" }
                notes = \"\"\"
                credential-helpers = ["inside a multi-line string"]
                \"\"\"
                "quoted key" = 'credential-helpers = ["inside a literal string"]'
                [registries.search]
                credential-helpers = ["in a table"]
                """;
        assertThat(RegistriesConf.credentialHelpersIn(toml, FILE)).isEmpty();
        assertThat(RegistriesConf.credentialHelpersIn("", FILE)).isEmpty();
        assertThat(RegistriesConf.credentialHelpersIn("\"credential-helpers\" = [\"quoted\"]\n", FILE))
                .hasValue(List.of("quoted"));
    }

    @Test
    void aMalformedSettingIsOneLineNamingFileAndLine() {
        assertThatThrownBy(() ->
                        RegistriesConf.credentialHelpersIn("a = 1\ncredential-helpers = \"secretservice\"\n", FILE))
                .isInstanceOf(ImageException.class)
                .hasMessage("/etc/containers/registries.conf line 2: credential-helpers must be an array of strings");
        assertThatThrownBy(() -> RegistriesConf.credentialHelpersIn("credential-helpers = [\"a\" \"b\"]\n", FILE))
                .hasMessageContaining("line 1: expected ',' or ']' in credential-helpers");
        assertThatThrownBy(() -> RegistriesConf.credentialHelpersIn("credential-helpers = [\"a\",\n", FILE))
                .hasMessageContaining("unterminated credential-helpers array");
        assertThatThrownBy(() -> RegistriesConf.credentialHelpersIn("credential-helpers = [\"\"]\n", FILE))
                .hasMessageContaining("empty entry");
    }

    @Test
    void theUsersFileReplacesTheSystemOnesButDropInsFollowInNameOrder() throws Exception {
        Path system = Files.writeString(dir.resolve("system.conf"), "credential-helpers = [\"system\"]\n");
        Path systemDropIns = Files.createDirectories(dir.resolve("system.d"));
        Files.writeString(systemDropIns.resolve("20-b.conf"), "credential-helpers = [\"b\"]\n");
        Files.writeString(systemDropIns.resolve("10-a.conf"), "short-name-mode = \"permissive\"\n");
        Files.writeString(systemDropIns.resolve("30-ignored.txt"), "credential-helpers = [\"not a drop-in\"]\n");
        Path home = dir.resolve("home");
        Path userDropIns = Files.createDirectories(home.resolve(".config/containers/registries.conf.d"));
        Files.writeString(
                userDropIns.resolve("50-user.conf"), "credential-helpers = [\"user\", \"containers-auth.json\"]\n");

        List<Path> files = RegistriesConf.files(Map.of("HOME", home.toString()), system, systemDropIns);
        assertThat(files)
                .containsExactly(
                        system,
                        systemDropIns.resolve("10-a.conf"),
                        systemDropIns.resolve("20-b.conf"),
                        userDropIns.resolve("50-user.conf"));
        assertThat(RegistriesConf.credentialOrder(files))
                .isEqualTo(new RegistriesConf.CredentialOrder(
                        List.of("user", RegistriesConf.AUTH_FILES), userDropIns.resolve("50-user.conf")));

        Path override = Files.writeString(dir.resolve("override.conf"), "");
        assertThat(RegistriesConf.files(
                        Map.of("HOME", home.toString(), "CONTAINERS_REGISTRIES_CONF", override.toString()),
                        system,
                        systemDropIns))
                .startsWith(override)
                .doesNotContain(system);

        Path userFile =
                Files.writeString(home.resolve(".config/containers/registries.conf"), "credential-helpers = []\n");
        assertThat(RegistriesConf.files(Map.of("HOME", home.toString()), system, systemDropIns))
                .containsExactly(userFile, userDropIns.resolve("50-user.conf"));
        // An empty array means the default, as an unset one does.
        assertThat(RegistriesConf.credentialOrder(List.of(userFile)).entries())
                .containsExactly(RegistriesConf.AUTH_FILES);
    }
}
