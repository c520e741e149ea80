package dev.amber.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * deploy/crds/ is what users apply; it must hold exactly the YAML the build just generated from the Java types:
 * every generated CRD, byte for byte, and nothing the build no longer generates.
 */
class CrdCopyIsCurrentTest {
    private static final String FILE = "checkpointpolicies.amber.dev-v1.yml";
    private static final Path GENERATED = Path.of("target/classes/META-INF/fabric8");
    private static final Path COMMITTED = Path.of("../deploy/crds");
    private static final String SUFFIX = "-v1.yml";

    @Test
    void committedCrdMatchesGeneratedCrd() throws Exception {
        Path generated = GENERATED.resolve(FILE);
        Path committed = COMMITTED.resolve(FILE);
        assertThat(generated).exists();
        assertThat(Files.readString(committed))
                .as("deploy/crds/%s is stale: copy %s over it", FILE, generated)
                .isEqualTo(Files.readString(generated));
    }

    @Test
    void theBuildGeneratesEveryCrdOfTheGroup() throws IOException {
        assertThat(crds(GENERATED))
                .contains(
                        "checkpointpolicies.amber.dev-v1.yml",
                        "checkpoints.amber.dev-v1.yml",
                        "restores.amber.dev-v1.yml");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("generatedCrds")
    void everyGeneratedCrdIsCommittedUnchanged(String file) throws IOException {
        Path generated = GENERATED.resolve(file);
        Path committed = COMMITTED.resolve(file);
        assertThat(committed)
                .as("deploy/crds/%s is missing: copy %s there", file, generated)
                .exists();
        assertThat(Files.readString(committed))
                .as("deploy/crds/%s is stale: copy %s over it", file, generated)
                .isEqualTo(Files.readString(generated));
    }

    @Test
    void deployHoldsNoCrdTheBuildNoLongerGenerates() throws IOException {
        assertThat(crds(COMMITTED))
                .as("deploy/crds/ holds CRDs the build does not generate: delete them")
                .isSubsetOf(crds(GENERATED));
    }

    static List<String> generatedCrds() throws IOException {
        return crds(GENERATED);
    }

    private static List<String> crds(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(file -> file.getFileName().toString())
                    .filter(name -> name.endsWith(SUFFIX))
                    .sorted()
                    .toList();
        }
    }
}
