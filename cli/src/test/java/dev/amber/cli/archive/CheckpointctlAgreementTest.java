package dev.amber.cli.archive;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.amber.cli.CliRun;
import dev.amber.testkit.podman.PodmanCheckpoints;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Amber's {@code inspect --all --format json} agrees with checkpointctl's on the same real archives,
 * wherever checkpointctl is right. Where it is known to be wrong (a trailing space after each command
 * line; Podman checkpoints without a checkpoint time) the comparison says so explicitly.
 */
@Tag("podman")
@Tag("criu")
@Tag("peers")
class CheckpointctlAgreementTest {
    static final List<String> SAME_KEYS = List.of(
            "container_name",
            "image",
            "id",
            "runtime",
            "created",
            "engine",
            "ip",
            "mac",
            "networks",
            "checkpoint_size",
            "statistics",
            "metadata",
            "process_tree",
            "file_descriptors",
            "mounts");

    static Stream<Arguments> archives() {
        return Stream.of(
                Arguments.of("counter zstd", PodmanCheckpoints.counterArchive(PodmanCheckpoints.Compression.ZSTD)),
                Arguments.of("counter gzip", PodmanCheckpoints.counterArchive(PodmanCheckpoints.Compression.GZIP)),
                Arguments.of("counter none", PodmanCheckpoints.counterArchive(PodmanCheckpoints.Compression.NONE)),
                Arguments.of("files", PodmanCheckpoints.filesArchive()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("archives")
    void sameFactsAsCheckpointctl(String label, Path archive) throws Exception {
        JsonNode theirs = new ObjectMapper()
                .readTree(checkpointctl("inspect", "--all", "--format", "json", archive.toString()))
                .get(0);
        CliRun r = CliRun.of("inspect", "--all", "--format", "json", archive.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode ours = r.json().get(0);
        trimCommandLines(theirs.path("process_tree"));
        for (String key : SAME_KEYS) {
            JsonNode expected = theirs.path(key);
            JsonNode actual = ours.path(key);
            if (key.equals("checkpoint_size")) {
                actual = ((ObjectNode) actual.deepCopy()).without("archive_size"); // ours adds the file size
            }
            if (key.equals("file_descriptors")) {
                actual = withoutKey(actual, "deleted"); // ours marks deleted files; checkpointctl cannot tell
            }
            assertThat(actual).as("%s: %s", label, key).isEqualTo(expected);
        }
        // checkpointctl records no checkpoint time for Podman archives; ours takes it from the CRIU images.
        assertThat(theirs.has("checkpointed")).isFalse();
        assertThat(ours.path("checkpointed").asText()).isNotEmpty();
    }

    /** checkpointctl appends a space after every argument, so its command lines end with one. */
    private static void trimCommandLines(JsonNode process) {
        if (process instanceof ObjectNode o && o.has("cmdline")) {
            o.set("cmdline", TextNode.valueOf(o.get("cmdline").asText().stripTrailing()));
        }
        process.path("children").forEach(CheckpointctlAgreementTest::trimCommandLines);
    }

    private static JsonNode withoutKey(JsonNode node, String key) {
        JsonNode copy = node.deepCopy();
        copy.findParents(key).forEach(p -> ((ObjectNode) p).remove(key));
        return copy;
    }

    static String checkpointctl(String... args) throws Exception {
        Path binary = Stream.of(
                        System.getenv("AMBER_CHECKPOINTCTL"),
                        System.getProperty("user.home") + "/.cache/amber/bin/checkpointctl",
                        System.getProperty("user.home") + "/go/bin/checkpointctl")
                .filter(Objects::nonNull)
                .map(Path::of)
                .filter(Files::isExecutable)
                .findFirst()
                .orElseThrow(() ->
                        new AssertionError("checkpointctl is not installed (scripts/lib/install-peers installs it)"));
        List<String> command = new ArrayList<>(List.of(binary.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("checkpointctl %s", String.join(" ", args)).isZero();
        return out;
    }
}
