package dev.amber.cli.archive;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amber.cli.CliRun;
import dev.amber.testkit.podman.PodmanCheckpoints;
import dev.amber.testkit.podman.PodmanCheckpoints.Compression;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The archive commands on checkpoints that Podman and CRIU really wrote. */
@Tag("podman")
@Tag("criu")
class RealArchivesTest {

    @ParameterizedTest
    @EnumSource(Compression.class)
    void counterArchiveInEveryCompression(Compression compression) throws Exception {
        Path archive = PodmanCheckpoints.counterArchive(compression);
        CliRun r = CliRun.of("inspect", "--all", "--format", "json", archive.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode c = r.json().get(0);
        assertThat(c.path("engine").asText()).isEqualTo("Podman");
        assertThat(c.path("image").asText()).isEqualTo("localhost/amber-test/busybox:latest");
        assertThat(c.path("checkpointed").asText()).isNotEmpty();
        JsonNode root = c.path("process_tree");
        assertThat(root.path("command").asText()).isEqualTo("sh");
        assertThat(root.path("cmdline").asText()).contains("while :; do echo $i");
        assertThat(root.path("environment_variables").path("container").asText())
                .isEqualTo("podman");
        assertThat(c.path("file_descriptors").get(0).path("open_files")).isNotEmpty();
        assertThat(c.path("checkpoint_size").path("memory_pages_size").asLong()).isPositive();

        CliRun show = CliRun.of("show", archive.toString());
        assertThat(show.exit()).isZero();
        assertThat(show.out()).contains("Podman", "runc");
    }

    @Test
    void establishedAndListeningTcpSockets() throws Exception {
        CliRun r = CliRun.of(
                "inspect",
                "--sockets",
                "--format",
                "json",
                PodmanCheckpoints.tcpArchive().toString());
        assertThat(r.exit()).as(r.err()).isZero();
        List<String> sockets = new ArrayList<>();
        for (JsonNode p : r.json().get(0).path("sockets")) {
            for (JsonNode s : p.path("open_sockets")) {
                JsonNode d = s.path("data");
                sockets.add(s.path("protocol").asText() + " " + d.path("state").asText() + " "
                        + d.path("src").asText() + ":" + d.path("src_port").asInt() + " "
                        + d.path("dst").asText() + ":" + d.path("dst_port").asInt());
            }
        }
        assertThat(sockets).anyMatch(s -> s.startsWith("TCP LISTEN") && s.contains(":7000 "));
        assertThat(sockets).anyMatch(s -> s.startsWith("TCP ESTABLISHED") && s.contains("127.0.0.1:7000"));
        // Both ends of the loopback connection are in the container: one each, no duplicates.
        assertThat(sockets.stream().filter(s -> s.startsWith("TCP ESTABLISHED")))
                .hasSize(2);
    }

    @Test
    void deletedOpenFileAndRootfsChanges() throws Exception {
        CliRun r = CliRun.of(
                "inspect",
                "--files",
                "--rootfs-diff",
                "--format",
                "json",
                PodmanCheckpoints.filesArchive().toString());
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode c = r.json().get(0);
        assertThat(c.path("file_descriptors").findValues("open_files").stream()
                        .flatMap(n -> toList(n).stream())
                        .filter(f -> f.path("deleted").asBoolean())
                        .map(f -> f.path("path").asText()))
                .anyMatch(p -> p.contains("held-file"));
        List<String> changes = toList(c.path("rootfs_diff")).stream()
                .map(ch -> ch.path("change").asText() + " " + ch.path("path").asText())
                .toList();
        assertThat(changes).contains("written /data/new-file", "deleted /etc/amber-test/delete-me");
        // Podman exports only files the container added, not image files it modified: the change to
        // change-me is not in the archive, and Amber does not pretend it is.
        assertThat(changes).doesNotContain("written /etc/amber-test/change-me");
    }

    @Test
    void memorySearchFindsAMarkerInARealProcess() throws Exception {
        String marker = "AMBER-SECRET-TOKEN-1234";
        Path archive = PodmanCheckpoints.memoryArchive(16, marker, Compression.ZSTD);
        CliRun r = CliRun.of("memparse", "--search", marker, "--format", "json", archive.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.json()).isNotEmpty();
        assertThat(r.json().get(0).path("match").asText()).isEqualTo(marker);
    }

    private static List<JsonNode> toList(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out;
    }
}
