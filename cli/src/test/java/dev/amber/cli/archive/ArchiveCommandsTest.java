package dev.amber.cli.archive;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amber.archive.Engine;
import dev.amber.archive.synthetic.SyntheticCheckpoint;
import dev.amber.cli.CliRun;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The user commands end to end on synthetic archives: output shapes and one-line errors. */
class ArchiveCommandsTest {
    @TempDir
    Path dir;

    Path archive() throws Exception {
        byte[] mem = new byte[2 * 4096];
        byte[] marker = "TOKEN-abc-123".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(marker, 0, mem, 100, marker.length);
        return SyntheticCheckpoint.standard(mem)
                .writeTar(dir.resolve("c.tar.zst"), SyntheticCheckpoint.Compression.ZSTD);
    }

    @Test
    void showPrintsATableWithTheContainer() throws Exception {
        CliRun r = CliRun.of("show", archive().toString());
        assertThat(r.exit()).isZero();
        assertThat(r.out().lines().findFirst().orElseThrow())
                .startsWith("CONTAINER")
                .contains("ENGINE", "CHKPT SIZE");
        assertThat(r.out()).contains("counter", "Podman", "10.88.0.5");
    }

    @Test
    void inspectJsonUsesCheckpointctlKeys() throws Exception {
        CliRun r = CliRun.of("inspect", "--all", "--format", "json", archive().toString());
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode c = r.json().get(0);
        assertThat(c.path("container_name").asText()).isEqualTo("counter");
        assertThat(c.path("engine").asText()).isEqualTo("Podman");
        assertThat(c.path("checkpoint_size").path("memory_pages_size").asLong()).isEqualTo(5 * 4096);
        assertThat(c.path("process_tree")
                        .path("children")
                        .get(0)
                        .path("cmdline")
                        .asText())
                .isEqualTo("/memhog 64");
        assertThat(c.path("process_tree")
                        .path("children")
                        .get(0)
                        .path("environment_variables")
                        .path("SECRET")
                        .asText())
                .isEqualTo("hunter2");
        assertThat(c.path("file_descriptors")
                        .get(1)
                        .path("open_files")
                        .get(2)
                        .path("fd")
                        .asText())
                .isEqualTo("REG 3");
        assertThat(c.path("sockets")
                        .get(0)
                        .path("open_sockets")
                        .get(0)
                        .path("data")
                        .path("dst")
                        .asText())
                .isEqualTo("127.0.0.2");
        assertThat(c.path("mounts").get(1).path("destination").asText()).isEqualTo("/data");
        assertThat(c.path("rootfs_diff").get(2).path("change").asText()).isEqualTo("deleted");
    }

    @Test
    void inspectTreeShowsTheProcessTreeAndDeletedFiles() throws Exception {
        CliRun r = CliRun.of("inspect", "--ps-tree-cmd", "--files", archive().toString());
        assertThat(r.exit()).isZero();
        assertThat(r.out())
                .contains("└── [1]  sh", "[7]  memhog", "Command line: /memhog 64", "[REG 3]  /tmp/scratch (deleted)");
    }

    @Test
    void inspectRejectsAnUnknownPid() throws Exception {
        CliRun r = CliRun.of("inspect", "-p", "99", archive().toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("no process with PID 99");
    }

    @Test
    void memparseSearchFindsTheTokenWithContext() throws Exception {
        CliRun r = CliRun.of(
                "memparse",
                "--search",
                "TOKEN-abc",
                "--context",
                "2",
                "--format",
                "json",
                archive().toString());
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode m = r.json().get(0);
        assertThat(m.path("pid").asInt()).isEqualTo(7);
        assertThat(m.path("address").asText()).isEqualTo(String.format("%016x", 0x600000 + 100));
        assertThat(m.path("after").asText()).isEqualTo("-1");
    }

    @Test
    void memparseTableListsEveryProcess() throws Exception {
        CliRun r = CliRun.of("memparse", archive().toString());
        assertThat(r.out()).contains("PID", "PROCESS NAME", "memhog");
    }

    @Test
    void memparseHexdumpCollapsesIdenticalRows() throws Exception {
        CliRun r = CliRun.of("memparse", "--pid", "7", archive().toString());
        assertThat(r.exit()).isZero();
        assertThat(r.out())
                .contains("0000000000600060  00 00 00 00 54 4f 4b 45 4e")
                .contains("\n*\n");
    }

    @Test
    void memparseOutputWritesTheFullDump(@TempDir Path out) throws Exception {
        Path file = out.resolve("dump.txt");
        CliRun r = CliRun.of(
                "memparse", "--pid", "7", "--output", file.toString(), archive().toString());
        assertThat(r.exit()).isZero();
        // 1 page of arguments + 2 pages of memory, 16 bytes a row, no collapsing, plus two header lines.
        assertThat(Files.readAllLines(file)).hasSize(3 * 4096 / 16 + 2);
    }

    @Test
    void diffReportsChangedProcessesAndFiles() throws Exception {
        Path a = archive();
        Path b = new SyntheticCheckpoint()
                .process(new SyntheticCheckpoint.Process(1, 0, "sh", List.of("/bin/sh"), List.of(), new byte[10]))
                .writeTar(dir.resolve("b.tar"), SyntheticCheckpoint.Compression.NONE);
        CliRun r = CliRun.of("diff", "--format", "json", a.toString(), b.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("\"subject\" : \"[7]\"", "\"section\" : \"processes\"", "\"section\" : \"files\"");
        CliRun same = CliRun.of("diff", a.toString(), a.toString());
        assertThat(same.out()).startsWith("No differences");
    }

    @Test
    void listShowsKubeletArchivesNewestFirstAndSkipsJunk() throws Exception {
        Path kubelet = Files.createDirectory(dir.resolve("checkpoints"));
        new SyntheticCheckpoint()
                .engine(Engine.CRIO)
                .container("web")
                .pod("shop", "team-a")
                .process(new SyntheticCheckpoint.Process(1, 0, "nginx", List.of("nginx"), List.of(), new byte[1]))
                .writeTar(
                        kubelet.resolve("checkpoint-shop_team-a-web-2026-11-20T11:00:00Z.tar"),
                        SyntheticCheckpoint.Compression.NONE);
        new SyntheticCheckpoint()
                .engine(Engine.CRIO)
                .container("web")
                .pod("shop", "team-a")
                .process(new SyntheticCheckpoint.Process(1, 0, "nginx", List.of("nginx"), List.of(), new byte[1]))
                .checkpointed(Instant.parse("2026-11-21T11:00:00Z"))
                .writeTar(
                        kubelet.resolve("checkpoint-shop_team-a-web-2026-11-21T11:00:00Z.tar"),
                        SyntheticCheckpoint.Compression.NONE);
        Files.writeString(kubelet.resolve("junk.tar"), "not a tar");
        CliRun r = CliRun.of("list", kubelet.toString());
        assertThat(r.exit()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines.get(0)).startsWith("NAMESPACE").contains("POD", "CONTAINER", "ENGINE", "SIZE");
        assertThat(lines.get(1)).contains("team-a", "shop", "web", "CRI-O", "2026-11-21T11:00:00Z");
        assertThat(lines.get(2)).contains("2026-11-20T11:00:00Z");
        assertThat(r.err()).contains("skipped").contains("junk.tar");
    }

    @ParameterizedTest
    @ValueSource(strings = {"show", "inspect", "memparse"})
    void badInputIsOneLineAndNonZero(String command) throws Exception {
        byte[] junk = new byte[4096];
        new Random(7).nextBytes(junk);
        for (Path bad : List.of(
                Files.write(dir.resolve("junk.tar"), junk),
                Files.write(dir.resolve("empty.tar"), new byte[0]),
                dir.resolve("missing.tar"))) {
            CliRun r = CliRun.of(command, bad.toString());
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err().strip().lines()).as(r.err()).hasSize(1);
            assertThat(r.err())
                    .startsWith("amber " + command + ": ")
                    .contains(bad.toString())
                    .doesNotContain("Exception")
                    .doesNotContain("\tat ");
            assertThat(r.out()).isEmpty();
        }
    }
}
