package dev.amber.e2e.krew;

import static org.assertj.core.api.Assertions.assertThat;

import dev.amber.testkit.process.Checkout;
import dev.amber.testkit.process.ExternalCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kubectl plugin as Krew installs it: deploy/krew/build makes the archive and fills in the manifest
 * (deploy/krew/amber.yaml), a real Krew (scripts/lib/krew, built from the Go module proxy) checks and installs
 * it into a Krew root of its own, and the installed {@code kubectl-amber} runs on the Java runtime it carries.
 */
@Tag("krew")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KrewPluginTest {
    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    @TempDir
    Path temp;

    private Path repository;
    private Path manifest;
    private Path archive;
    private String krew;

    @BeforeAll
    void build() throws Exception {
        repository = Checkout.root("deploy/krew/build");
        // The jars are the ones scripts/test built before Maven ran; this JVM must not have Maven rewrite them.
        ExternalCommand.Result built = ExternalCommand.run(
                List.of(repository.resolve("deploy/krew/build").toString()),
                repository,
                Map.of("AMBER_KREW_JARS_BUILT", "1"),
                TIMEOUT);
        assertThat(built.exitCode()).as(built.stderr()).isZero();
        manifest = Path.of(built.stdout().strip());
        archive = manifest.resolveSibling("kubectl-amber-linux-amd64.tar.gz");
        ExternalCommand.Result krewBuilt = ExternalCommand.run(
                List.of(repository.resolve("scripts/lib/krew").toString()), repository, Map.of(), TIMEOUT);
        assertThat(krewBuilt.exitCode()).as(krewBuilt.stderr()).isZero();
        krew = krewBuilt.stdout().strip();
    }

    @Test
    void krewInstallsThePluginFromItsManifestAndItRunsOnItsOwnRuntime() throws Exception {
        Path root = temp.resolve("krew-root");
        ExternalCommand.Result installed = install(root, manifest);

        assertThat(installed.exitCode()).as(installed.stderr()).isZero();
        Path plugin = root.resolve("bin/kubectl-amber");
        assertThat(Files.isSymbolicLink(plugin)).isTrue();
        ExternalCommand.Result version = ExternalCommand.run(
                List.of(plugin.toString(), "--version"), temp, Map.of("PATH", "/usr/bin:/bin"), TIMEOUT);
        assertThat(version.exitCode()).as(version.stderr()).isZero();
        assertThat(version.stdout()).startsWith("amber ");
        ExternalCommand.Result help = ExternalCommand.run(
                List.of(plugin.toString(), "restore", "--help"), temp, Map.of("PATH", "/usr/bin:/bin"), TIMEOUT);
        assertThat(help.stdout()).contains("Usage: amber restore", "--node");
    }

    @Test
    void krewRefusesAnArchiveWhoseChecksumIsNotTheManifests() throws Exception {
        Path tampered = temp.resolve("amber.yaml");
        Files.writeString(
                tampered,
                Files.readString(manifest)
                        .replaceFirst("sha256: \"[0-9a-f]{64}\"", "sha256: \"" + "0".repeat(64) + "\""));

        ExternalCommand.Result refused = install(temp.resolve("krew-root-2"), tampered);

        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.stderr()).contains("checksum");
        assertThat(temp.resolve("krew-root-2/bin/kubectl-amber")).doesNotExist();
    }

    private ExternalCommand.Result install(Path root, Path manifestFile) throws Exception {
        return ExternalCommand.run(
                List.of(krew, "install", "--manifest=" + manifestFile, "--archive=" + archive),
                temp,
                Map.of("KREW_ROOT", root.toString()),
                TIMEOUT);
    }
}
