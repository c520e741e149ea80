package dev.amber.agent.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.amber.agent.index.ArchiveIndex;
import dev.amber.agent.index.DirectoryScanner;
import dev.amber.agent.retention.RetentionExecutor;
import dev.amber.agent.store.ArchiveFiles;
import dev.amber.agent.testing.KubeletArchives;
import dev.amber.kube.policy.PolicyFiles;
import dev.amber.kube.policy.PolicyValidator;
import dev.amber.retention.ArchiveRecord;
import dev.amber.retention.RetentionEngine;
import dev.amber.retention.RetentionPlan;
import dev.amber.testkit.podman.PodmanCheckpoints;
import dev.amber.testkit.podman.PodmanCheckpoints.Compression;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Locale;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real Podman archives (zstd, gzip, plain) in one directory with synthetic kubelet-named ones: the index
 * reads each one's identity and retention counts the Podman ones per container name.
 */
@Tag("podman")
class PodmanArchivesTest {
    @TempDir
    Path dir;

    @Test
    void indexesRealPodmanArchivesBesideKubeletOnesAndAppliesRetention() throws Exception {
        Instant base = Instant.parse("2026-11-20T10:00:00Z");
        int i = 0;
        for (Compression c : Compression.values()) {
            Path source = PodmanCheckpoints.counterArchive(c);
            Path copy = dir.resolve("counter-" + c.name().toLowerCase(Locale.ROOT)
                    + source.getFileName()
                            .toString()
                            .substring(source.getFileName().toString().indexOf(".tar")));
            Files.copy(source, copy);
            Files.setLastModifiedTime(copy, FileTime.from(base.plusSeconds(i++)));
        }
        // A second copy of the zstd archive: the same container checkpointed at the same moment.
        Files.copy(dir.resolve("counter-zstd.tar.zst"), dir.resolve("counter-zstd-copy.tar.zst"));
        KubeletArchives.write(dir, KubeletArchives.Layout.CONTAINERD, "ns", "web", "app", base, 512);

        ArchiveIndex index = ArchiveIndex.inMemory();
        DirectoryScanner.Result scan =
                new DirectoryScanner(new ArchiveFiles(dir), index, UnaryOperator.identity()).scan();
        assertThat(scan.archives()).isEqualTo(5);
        assertThat(scan.unreadable()).isZero();
        for (Compression c : Compression.values()) {
            ArchiveRecord r = index.all().stream()
                    .filter(a -> a.fileName().startsWith("counter-" + c.name().toLowerCase(Locale.ROOT)))
                    .findFirst()
                    .orElseThrow();
            assertThat(r.engine()).isEqualTo("PODMAN");
            assertThat(r.namespace()).isEmpty();
            assertThat(r.container()).as("the Podman container's name").isNotBlank();
            // A metadata-only read of a Podman archive stops before the CRIU images whose time it would
            // report, so retention orders these by the file's modification time.
            assertThat(r.size()).isEqualTo(Files.size(dir.resolve(r.fileName())));
        }

        // Each Podman container is counted on its own: only the pair of copies is over the limit.
        RetentionPlan plan = RetentionEngine.plan(
                index.all(),
                PolicyValidator.validate(
                        PolicyFiles.parseSpec("globalPolicy: {maxCheckpointsPerContainer: 1}", "test")),
                null,
                Instant.now());
        new RetentionExecutor(new ArchiveFiles(dir), index, null).execute(plan, false);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted().toList())
                    .hasSize(4)
                    .contains("counter-gzip.tar.gz", "counter-none.tar")
                    .anyMatch(n -> n.startsWith("checkpoint-web_ns-app-"))
                    .filteredOn(n -> n.startsWith("counter-zstd"))
                    .hasSize(1);
        }
    }
}
