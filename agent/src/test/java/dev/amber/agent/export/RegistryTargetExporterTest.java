package dev.amber.agent.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.amber.agent.testing.FakeKubelet;
import dev.amber.image.CheckpointImages;
import dev.amber.image.ImageReference;
import dev.amber.image.registry.DockerConfigAuth;
import dev.amber.image.registry.RegistryOptions;
import dev.amber.kube.agent.CheckpointRequest.ExportTarget;
import dev.amber.testkit.registry.LocalRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pushes a request asks for: the auth file each push reads, what is refused up front, and a real push. */
class RegistryTargetExporterTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temp;

    @TempDir
    Path dir;

    @Test
    void theAuthFileIsOwnerOnlyAndHoldsOnlyTheAuths() throws Exception {
        Path file = DockerConfigAuth.write(
                        temp,
                        "{\"auths\":{\"registry.example\":{\"auth\":\"dTpw\"}},\"credsStore\":\"desktop\","
                                + "\"credHelpers\":{\"registry.example\":\"evil\"},\"proxies\":{}}")
                .file();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        JsonNode written = JSON.readTree(file.toFile());
        assertThat(written.properties()).extracting(e -> e.getKey()).containsExactly("auths");
        assertThat(written.path("auths").path("registry.example").path("auth").asText())
                .isEqualTo("dTpw");

        Path anonymous = DockerConfigAuth.write(temp, null).file();
        assertThat(JSON.readTree(anonymous.toFile()).toString()).isEqualTo("{\"auths\":{}}");
    }

    @Test
    void refusesTargetsThatCannotBePushedTo() {
        RegistryTargetExporter exporter = new RegistryTargetExporter(RegistryOptions.defaults(), temp);
        assertThat(exporter.problem(new ExportTarget("registry.example/amber/web:app", false, null)))
                .isEmpty();
        assertThat(exporter.problem(new ExportTarget("oci-archive:/etc/cron.d/x", false, null)))
                .hasValueSatisfying(m -> assertThat(m).contains("registries only"));
        assertThat(exporter.problem(new ExportTarget("Registry.example/UPPER:tag", false, null)))
                .isPresent();
        assertThat(exporter.problem(new ExportTarget("registry.example/a:t", false, "[1, 2]")))
                .hasValueSatisfying(m -> assertThat(m).contains("auths"));
        assertThat(exporter.problem(new ExportTarget("registry.example/a:t", false, "{\"auths\":{\"x\":hunter2")))
                .hasValueSatisfying(m -> assertThat(m).doesNotContain("hunter2"));
    }

    /** The whole push against a real registry: reported by digest, verified, and the auth file gone. */
    @Test
    @Tag("registry")
    void pushesToARealRegistryAndReportsTheImageByDigest() throws Exception {
        Path archive = FakeKubelet.writeArchive(dir.resolve("checkpoint.tar"), "shop", "web", "app");
        try (LocalRegistry registry = LocalRegistry.start()) {
            RegistryTargetExporter exporter = new RegistryTargetExporter(RegistryOptions.defaults(), temp);
            String image =
                    exporter.export(archive, new ExportTarget(registry.hostPort() + "/amber/web:app", true, null));

            assertThat(image).matches(registry.hostPort().replace(".", "\\.") + "/amber/web@sha256:[0-9a-f]{64}");
            var info = CheckpointImages.standard(RegistryOptions.defaults().withInsecure(true))
                    .inspect(ImageReference.parse(image));
            assertThat(info.container()).isEqualTo("app");
            assertThat(info.layer().size()).isEqualTo(Files.size(archive));
            try (var left = Files.list(temp)) {
                assertThat(left).isEmpty();
            }
        }
    }
}
