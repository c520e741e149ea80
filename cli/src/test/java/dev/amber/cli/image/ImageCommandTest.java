package dev.amber.cli.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.amber.archive.Engine;
import dev.amber.archive.synthetic.SyntheticCheckpoint;
import dev.amber.cli.CliRun;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code amber image} as a user runs it, against OCI layouts on disk (no registry needed). */
class ImageCommandTest {
    @TempDir
    Path dir;

    private static CliRun amber(String... args) {
        return CliRun.of(args);
    }

    private Path archive() throws Exception {
        return SyntheticCheckpoint.standard(new byte[100_000])
                .engine(Engine.CRIO)
                .container("web")
                .pod("shop-0", "shop")
                .writeTar(dir.resolve("checkpoint.tar"), SyntheticCheckpoint.Compression.NONE);
    }

    @Test
    void pushInspectPullThroughAnOciArchive() throws Exception {
        Path archive = archive();
        String ref = "oci-archive:" + dir.resolve("image.tar") + ":v1";

        CliRun push = amber("image", "push", archive.toString(), ref);
        assertThat(push.exit()).as(push.err()).isZero();
        assertThat(push.out().strip()).startsWith(ref + "@sha256:");

        CliRun again = amber(
                "image",
                "push",
                "--format",
                "json",
                "--annotation",
                "team=checkout",
                archive.toString(),
                "oci-archive:" + dir.resolve("again.tar"));
        assertThat(again.exit()).as(again.err()).isZero();
        JsonNode pushed = new ObjectMapper().readTree(again.out());
        assertThat(pushed.path("layerMediaType").asText()).isEqualTo("application/vnd.oci.image.layer.v1.tar");
        assertThat(pushed.path("layerSize").asLong()).isEqualTo(Files.size(archive));
        assertThat(pushed.path("diffId").asText())
                .isEqualTo(pushed.path("layerDigest").asText());
        assertThat(amber("image", "inspect", "--format", "json", "oci-archive:" + dir.resolve("again.tar"))
                        .out())
                .contains("\"team\" : \"checkout\"");

        CliRun inspect = amber("image", "inspect", "--format", "json", ref);
        assertThat(inspect.exit()).as(inspect.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(inspect.out());
        assertThat(json.path("container").asText()).isEqualTo("web");
        assertThat(json.path("namespace").asText()).isEqualTo("shop");
        assertThat(json.path("engine").asText()).isEqualTo("CRI-O");
        assertThat(json.path("layer").path("size").asLong()).isEqualTo(Files.size(archive));
        assertThat(json.path("annotations")
                        .path("io.kubernetes.cri-o.annotations.checkpoint.name")
                        .asText())
                .isEqualTo("web");

        CliRun table = amber("image", "inspect", ref);
        assertThat(table.out()).contains("Container").contains("web").contains("org.criu.checkpoint.pod.namespace");

        CliRun pull =
                amber("image", "pull", ref, "--output", dir.resolve("back.tar").toString());
        assertThat(pull.exit()).as(pull.err()).isZero();
        assertThat(Files.readAllBytes(dir.resolve("back.tar"))).isEqualTo(Files.readAllBytes(archive));
    }

    @Test
    void badInputGivesOneLineAndExitOne() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path junk = Files.write(dir.resolve("junk.bin"), new byte[] {1, 2, 3, 4});
        String[][] cases = {
            {"image", "push", dir.resolve("missing.tar").toString(), "oci:" + dir.resolve("l")},
            {"image", "push", junk.toString(), "oci:" + dir.resolve("l")},
            {"image", "push", archive().toString(), "Bad/Reference"},
            {"image", "inspect", "--insecure", "127.0.0.1:" + port + "/ckpt/x"},
            {"image", "pull", "oci:" + dir.resolve("no-layout")},
        };
        String[] expected = {
            "no such file or directory",
            "not a checkpoint archive",
            "bad image reference",
            "cannot reach registry 127.0.0.1:" + port,
            "is not an OCI image layout"
        };
        for (int i = 0; i < cases.length; i++) {
            CliRun run = amber(cases[i]);
            assertThat(run.exit()).as(String.join(" ", cases[i])).isEqualTo(1);
            assertThat(run.err().strip())
                    .as(String.join(" ", cases[i]))
                    .contains(expected[i])
                    .doesNotContain("\n")
                    .doesNotContain("Exception");
        }
    }
}
