package dev.amber.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** deploy/crds/ is what users apply; it must be the YAML the build just generated from the Java types. */
class CrdCopyIsCurrentTest {
    private static final String FILE = "checkpointpolicies.amber.dev-v1.yml";

    @Test
    void committedCrdMatchesGeneratedCrd() throws Exception {
        Path generated = Path.of("target/classes/META-INF/fabric8", FILE);
        Path committed = Path.of("../deploy/crds", FILE);
        assertThat(generated).exists();
        assertThat(Files.readString(committed))
                .as("deploy/crds/%s is stale: copy %s over it", FILE, generated)
                .isEqualTo(Files.readString(generated));
    }
}
