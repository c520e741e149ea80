package dev.amber.cli.retention;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.amber.cli.CliRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code amber retention apply} on a directory of real tar archives (made with the tar tool) in the CRI-O layout. */
class RetentionApplyCommandTest {
    @TempDir
    Path dir;

    @TempDir
    Path work;

    private CliRun amber(String... args) {
        return CliRun.of(args);
    }

    private Path archive(String ns, String pod, String container, Instant time) throws Exception {
        return TarArchives.write(dir, work, ns, pod, container, time);
    }

    private Path policy(String yaml) throws IOException {
        Path p = work.resolve("policy.yaml");
        Files.writeString(p, yaml);
        return p;
    }

    @Test
    void dryRunReportsAndDeletesNothingThenTheRealRunDeletes() throws Exception {
        Instant t = Instant.parse("2026-11-20T10:00:00Z");
        Path oldest = archive("shop", "web", "app", t);
        Path middle = archive("shop", "web", "app", t.plusSeconds(60));
        Path newest = archive("shop", "web", "app", t.plusSeconds(120));
        Path other = archive("bank", "db", "pg", t);
        Files.writeString(dir.resolve(middle.getFileName() + ".keep"), "");
        Path policy = policy("globalPolicy: {maxCheckpointsPerContainer: 1}\n");

        CliRun dry = amber(
                "retention",
                "apply",
                "--dir",
                dir.toString(),
                "--policy",
                policy.toString(),
                "--dry-run",
                "--format",
                "json");
        assertThat(dry.exit()).as(dry.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(dry.out());
        assertThat(json.path("deleted").findValuesAsText("path")).containsExactly(oldest.toString(), newest.toString());
        assertThat(json.path("deleted").get(0).path("reason").asText()).startsWith("max-checkpoints:");
        assertThat(json.path("kept").findValuesAsText("path"))
                .containsExactlyInAnyOrder(middle.toString(), other.toString());
        assertThat(List.of(oldest, middle, newest, other)).allMatch(Files::exists);

        CliRun real = amber("retention", "apply", "--dir", dir.toString(), "--policy", policy.toString());
        assertThat(real.exit()).as(real.err()).isZero();
        assertThat(real.out()).contains("deleted", oldest.getFileName().toString(), "keep", "pinned");
        assertThat(oldest).doesNotExist();
        assertThat(newest).doesNotExist();
        assertThat(middle).exists();
        assertThat(other).exists();
    }

    @Test
    void orphansOnlyWithTheLivePodsGiven() throws Exception {
        Path gone = archive("shop", "gone", "app", Instant.parse("2026-11-20T10:00:00Z"));
        Path policy = policy("globalPolicy: {retainOrphan: false}\n");
        assertThat(amber("retention", "apply", "--dir", dir.toString(), "--policy", policy.toString())
                        .exit())
                .isZero();
        assertThat(gone).exists();

        Path live = work.resolve("live.json");
        Files.writeString(live, """
                {"apiVersion":"v1","kind":"List","items":[
                 {"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","namespace":"shop"},"spec":{"containers":[{"name":"app"}]}},
                 {"apiVersion":"v1","kind":"Namespace","metadata":{"name":"shop"}}]}""");
        CliRun run = amber(
                "retention",
                "apply",
                "--dir",
                dir.toString(),
                "--policy",
                policy.toString(),
                "--live-pods",
                live.toString());
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("orphan: pod shop/gone no longer exists");
        assertThat(gone).doesNotExist();
    }

    @Test
    @org.junit.jupiter.api.Tag("registry")
    void exportsToARealRegistryBeforeDeleting() throws Exception {
        Instant t = Instant.parse("2026-11-20T10:00:00Z");
        Path oldest = archive("shop", "web", "app", t);
        Path newest = archive("shop", "web", "app", t.plusSeconds(60));
        try (dev.amber.testkit.registry.LocalRegistry registry = dev.amber.testkit.registry.LocalRegistry.start()) {
            Path policy = policy("""
                    globalPolicy: {maxCheckpointsPerContainer: 1}
                    export: {repository: %s/amber/cp, plainHttp: true}
                    """.formatted(registry.hostPort()));
            CliRun run = amber(
                    "retention", "apply", "--dir", dir.toString(), "--policy", policy.toString(), "--format", "json");
            assertThat(run.exit()).as(run.err() + run.out()).isZero();
            JsonNode json = new ObjectMapper().readTree(run.out());
            assertThat(json.path("exported").findValuesAsText("path"))
                    .containsExactlyInAnyOrder(oldest.toString(), newest.toString());
            assertThat(json.path("exported").get(0).path("image").asText())
                    .startsWith(registry.hostPort() + "/amber/cp@sha256:");
            assertThat(json.path("deleted").findValuesAsText("path")).containsExactly(oldest.toString());
            assertThat(oldest).doesNotExist();
            assertThat(newest).exists();
        }
        // With the registry gone, nothing the rule covers may be deleted.
        Path third = archive("shop", "web", "app", t.plusSeconds(120));
        Path policy = policy("""
                globalPolicy: {maxCheckpointsPerContainer: 1}
                export: {repository: 127.0.0.1:9/amber/cp, plainHttp: true}
                """);
        CliRun down = amber("retention", "apply", "--dir", dir.toString(), "--policy", policy.toString());
        assertThat(down.exit()).isNotZero();
        assertThat(down.out()).contains("export failed").contains("awaiting-export");
        assertThat(newest).exists();
        assertThat(third).exists();
    }

    @Test
    void badInputIsOneLineAndNonZero() throws Exception {
        CliRun bad = amber(
                "retention",
                "apply",
                "--dir",
                dir.toString(),
                "--policy",
                policy("globalPolicy: {maxCheckpointsPerContainer: -1}\n").toString());
        assertThat(bad.exit()).isNotZero();
        assertThat(bad.err().strip()).doesNotContain("\n").contains("maxCheckpointsPerContainer must not be negative");
        CliRun missing = amber(
                "retention",
                "apply",
                "--dir",
                dir.resolve("nope").toString(),
                "--policy",
                work.resolve("x").toString());
        assertThat(missing.exit()).isNotZero();
        assertThat(missing.err().strip()).doesNotContain("\n");
    }
}
