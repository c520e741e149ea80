package dev.amber.cli.archive;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.amber.cli.CliRun;
import dev.amber.testkit.crio.Crio;
import dev.amber.testkit.crio.CrioCheckpoints;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The archive commands on a checkpoint that a real CRI-O wrote for a kubelet-style CRI
 * {@code CheckpointContainer} call (scripts/crio, crictl), not on a synthetic one.
 */
@Tag("crio")
@Tag("criu")
class CrioArchiveTest {

    @Test
    void showNamesTheContainerPodNamespaceAndEngine() {
        CrioCheckpoints.Counter counter = CrioCheckpoints.counter();
        CliRun table = CliRun.of("show", counter.archive().toString());
        assertThat(table.exit()).as(table.err()).isZero();
        assertThat(table.out())
                .contains("CRI-O", CrioCheckpoints.CONTAINER, counter.pod().name(), Crio.NAMESPACE, "runc");
    }

    @Test
    void inspectDecodesTheProcessTreeMetadataAndRootfsChanges() throws Exception {
        CrioCheckpoints.Counter counter = CrioCheckpoints.counter();
        CliRun r = CliRun.of(
                "inspect",
                "--all",
                "--rootfs-diff",
                "--format",
                "json",
                counter.archive().toString());
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode c = r.json().get(0);
        assertThat(c.path("engine").asText()).isEqualTo("CRI-O");
        assertThat(c.path("container_name").asText()).isEqualTo(CrioCheckpoints.CONTAINER);
        assertThat(c.path("image").asText()).isEqualTo(Crio.TEST_IMAGE);
        assertThat(c.path("runtime").asText()).isEqualTo("runc");
        assertThat(c.path("ip").asText()).startsWith("10.245.0.");
        assertThat(c.path("checkpointed").asText()).isNotEmpty();
        JsonNode metadata = c.path("metadata");
        assertThat(metadata.path("pod_name").asText()).isEqualTo(counter.pod().name());
        assertThat(metadata.path("kubernetes_namespace").asText()).isEqualTo(Crio.NAMESPACE);
        assertThat(metadata.path("pod_uid").asText()).isEqualTo(counter.pod().uid());

        JsonNode root = c.path("process_tree");
        assertThat(root.path("pid").asInt()).isEqualTo(1);
        assertThat(root.path("command").asText()).isEqualTo("sh");
        assertThat(root.path("cmdline").asText()).contains("count $i token $token");
        assertThat(root.path("environment_variables").path("HOSTNAME").asText())
                .isEqualTo(counter.pod().name());
        assertThat(c.path("checkpoint_size").path("memory_pages_size").asLong()).isPositive();
        assertThat(c.path("mounts").findValuesAsText("destination"))
                .contains("/etc/hostname", "/etc/resolv.conf", "/proc");

        List<String> changes = new ArrayList<>();
        c.path("rootfs_diff")
                .forEach(ch -> changes.add(
                        ch.path("change").asText() + " " + ch.path("path").asText()));
        assertThat(changes)
                .contains("written " + CrioCheckpoints.WRITTEN_FILE, "deleted " + CrioCheckpoints.DELETED_FILE);
    }

    @Test
    void memorySearchFindsTheTokenTheShellDrew() throws Exception {
        CrioCheckpoints.Counter counter = CrioCheckpoints.counter();
        CliRun r = CliRun.of(
                "memparse",
                "--search",
                counter.token(),
                "--format",
                "json",
                counter.archive().toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.json()).isNotEmpty();
        assertThat(r.json().get(0).path("match").asText()).isEqualTo(counter.token());
    }

    /**
     * Same facts as checkpointctl on the same archive, where checkpointctl is right: it appends a space to
     * every command line, and prints CRI-O's creation annotation to the nanosecond where Amber prints
     * whole seconds everywhere. Amber adds the archive's size and the pod's UID.
     */
    @Test
    @Tag("peers")
    void sameFactsAsCheckpointctl() throws Exception {
        Path archive = CrioCheckpoints.counter().archive();
        JsonNode theirs = new ObjectMapper()
                .readTree(CheckpointctlAgreementTest.checkpointctl(
                        "inspect", "--all", "--format", "json", archive.toString()))
                .get(0);
        CliRun r = CliRun.of("inspect", "--all", "--format", "json", archive.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode ours = r.json().get(0);
        trimCommandLines(theirs.path("process_tree"));
        for (String key : List.of(
                "container_name",
                "image",
                "id",
                "runtime",
                "checkpointed",
                "engine",
                "ip",
                "checkpoint_size",
                "statistics",
                "metadata",
                "process_tree",
                "file_descriptors",
                "mounts")) {
            JsonNode actual = ours.path(key);
            if (key.equals("checkpoint_size")) {
                actual = ((ObjectNode) actual.deepCopy()).without("archive_size"); // ours adds the file size
            }
            if (key.equals("metadata")) {
                actual = ((ObjectNode) actual.deepCopy()).without("pod_uid"); // ours adds the pod's UID
            }
            if (key.equals("file_descriptors")) {
                actual = actual.deepCopy();
                actual.findParents("deleted")
                        .forEach(p -> ((ObjectNode) p).remove("deleted")); // ours marks deleted files
            }
            assertThat(actual).as(key).isEqualTo(theirs.path(key));
        }
        assertThat(Instant.parse(ours.path("created").asText()))
                .isEqualTo(Instant.parse(theirs.path("created").asText()).truncatedTo(ChronoUnit.SECONDS));
    }

    private static void trimCommandLines(JsonNode process) {
        if (process instanceof ObjectNode o && o.has("cmdline")) {
            o.set("cmdline", TextNode.valueOf(o.get("cmdline").asText().stripTrailing()));
        }
        process.path("children").forEach(CrioArchiveTest::trimCommandLines);
    }
}
