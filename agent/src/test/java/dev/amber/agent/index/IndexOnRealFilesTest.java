package dev.amber.agent.index;

import static org.assertj.core.api.Assertions.assertThat;

import dev.amber.agent.store.ArchiveFiles;
import dev.amber.agent.testing.KubeletArchives;
import dev.amber.agent.testing.KubeletArchives.Layout;
import dev.amber.retention.ArchiveRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The index over real tar files in both kubelet layouts, persisted and reloaded as after a restart. */
class IndexOnRealFilesTest {
    private static final Instant T = Instant.parse("2026-11-20T10:00:00Z");

    @TempDir
    Path dir;

    @TempDir
    Path state;

    @Test
    void readsIdentityFromBothKubeletLayouts() throws Exception {
        KubeletArchives.write(dir, Layout.CRIO, "shop", "web-7d9f", "nginx", T, 4096);
        KubeletArchives.write(dir, Layout.CONTAINERD, "data-team", "db-0", "postgres-main", T.plusSeconds(5), 4096);
        try (ArchiveIndex index = ArchiveIndex.open(new IndexStore(state))) {
            var result = new DirectoryScanner(new ArchiveFiles(dir), index, UnaryOperator.identity()).scan();
            assertThat(result.read()).isEqualTo(2);
            ArchiveRecord crio = index.get(KubeletArchives.fileName("shop", "web-7d9f", "nginx", T));
            assertThat(crio.namespace()).isEqualTo("shop");
            assertThat(crio.pod()).isEqualTo("web-7d9f");
            assertThat(crio.container()).isEqualTo("nginx");
            assertThat(crio.podUid()).isEqualTo("uid-web-7d9f");
            assertThat(crio.engine()).isEqualTo("CRIO");
            assertThat(crio.checkpointed()).isEqualTo(T);
            ArchiveRecord containerd =
                    index.get(KubeletArchives.fileName("data-team", "db-0", "postgres-main", T.plusSeconds(5)));
            assertThat(containerd.namespace()).isEqualTo("data-team");
            assertThat(containerd.container()).isEqualTo("postgres-main");
            assertThat(containerd.engine()).isEqualTo("CONTAINERD");
            assertThat(containerd.size()).isEqualTo(Files.size(dir.resolve(containerd.fileName())));
        }
    }

    @Test
    void aRestartReadsOnlyWhatChanged() throws Exception {
        for (int i = 0; i < 5; i++) {
            KubeletArchives.write(dir, Layout.CRIO, "ns", "p" + i, "app", T.plusSeconds(i), 1024);
        }
        AtomicInteger reads = new AtomicInteger();
        UnaryOperator<ArchiveRecord> counting = r -> {
            reads.incrementAndGet();
            return r;
        };
        try (ArchiveIndex index = ArchiveIndex.open(new IndexStore(state))) {
            new DirectoryScanner(new ArchiveFiles(dir), index, counting).scan();
        }
        assertThat(reads).hasValue(5);

        // While the agent was down: one archive removed, one added, one rewritten.
        Files.delete(dir.resolve(KubeletArchives.fileName("ns", "p0", "app", T)));
        KubeletArchives.write(dir, Layout.CONTAINERD, "ns", "p9", "app", T.plusSeconds(9), 1024);
        Path rewritten = KubeletArchives.write(dir, Layout.CRIO, "ns", "p1", "app", T.plusSeconds(1), 2048);

        reads.set(0);
        try (ArchiveIndex index = ArchiveIndex.open(new IndexStore(state))) {
            var result = new DirectoryScanner(new ArchiveFiles(dir), index, counting).scan();
            assertThat(reads).hasValue(2);
            assertThat(result.unchanged()).isEqualTo(3);
            assertThat(result.removed()).isEqualTo(1);
            assertThat(index.size()).isEqualTo(5);
            assertThat(index.get(rewritten.getFileName().toString()).size()).isEqualTo(Files.size(rewritten));
        }
    }

    @Test
    void snapshotAndLogSurviveCompactionAndATornTail() throws Exception {
        for (int i = 0; i < 3; i++) {
            KubeletArchives.write(dir, Layout.CRIO, "ns", "p" + i, "app", T.plusSeconds(i), 512);
        }
        try (ArchiveIndex index = ArchiveIndex.open(new IndexStore(state))) {
            new DirectoryScanner(new ArchiveFiles(dir), index, UnaryOperator.identity()).scan();
        }
        IndexStore store = new IndexStore(state);
        var loaded = store.load();
        store.compact(loaded.values());
        store.appendRemove(KubeletArchives.fileName("ns", "p0", "app", T));
        store.close();
        // A crash in the middle of the next append leaves half a line behind.
        Files.writeString(
                state.resolve("index.log"),
                "{\"file\":\"checkpoint-half",
                StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);

        IndexStore reopened = new IndexStore(state);
        var reloaded = reopened.load();
        assertThat(reloaded).hasSize(2).doesNotContainKey(KubeletArchives.fileName("ns", "p0", "app", T));
        assertThat(reloaded.get(KubeletArchives.fileName("ns", "p1", "app", T.plusSeconds(1)))
                        .pod())
                .isEqualTo("p1");
        // The torn line was cut off, so what is appended now is read back whole.
        reopened.appendRemove(KubeletArchives.fileName("ns", "p1", "app", T.plusSeconds(1)));
        reopened.close();
        assertThat(new IndexStore(state).load()).hasSize(1);

        // Damage in the middle of the log is no torn tail: the index is set aside and rebuilt from the directory.
        Files.writeString(
                state.resolve("index.log"),
                "garbage\n{\"remove\":\"x\"}\n",
                StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
        assertThat(new IndexStore(state).load()).isEmpty();
        assertThat(state.resolve("index.log.damaged")).exists();
        try (ArchiveIndex index = ArchiveIndex.open(new IndexStore(state))) {
            assertThat(new DirectoryScanner(new ArchiveFiles(dir), index, UnaryOperator.identity())
                            .scan()
                            .read())
                    .isEqualTo(3);
        }
    }

    @Test
    void nonCheckpointsAreListedAsUnreadableAndModesAreNarrowed() throws Exception {
        Path junk = dir.resolve("checkpoint-x_ns-app-2026-11-20T10:00:00Z.tar");
        Files.writeString(junk, "this is not a tar");
        Path open = KubeletArchives.write(dir, Layout.CRIO, "ns", "p", "app", T, 512);
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
        Files.writeString(dir.resolve("notes.txt"), "ignored");
        ArchiveIndex index = ArchiveIndex.inMemory();
        var result = new DirectoryScanner(new ArchiveFiles(dir), index, UnaryOperator.identity()).scan();
        assertThat(result.archives()).isEqualTo(2);
        assertThat(result.unreadable()).isEqualTo(1);
        assertThat(result.narrowedModes())
                .as("an unreadable archive may be a partial one: narrowed too")
                .isEqualTo(2);
        assertThat(index.get(junk.getFileName().toString()).error()).isNotBlank();
        assertThat(Files.getPosixFilePermissions(open)).isEqualTo(ArchiveFiles.OWNER_ONLY);
    }

    @Test
    void deletionInterruptedByACrashIsFinishedOnRecovery() throws Exception {
        Path a = KubeletArchives.write(dir, Layout.CRIO, "ns", "p", "app", T, 512);
        Path b = KubeletArchives.write(dir, Layout.CRIO, "ns", "q", "app", T, 512);
        ArchiveFiles files = new ArchiveFiles(dir);
        // The crash came after the rename and before the unlink.
        Files.move(a, dir.resolve(a.getFileName() + ArchiveFiles.DELETING_SUFFIX));
        assertThat(files.recover()).containsExactly(a.getFileName().toString());
        assertThat(Files.list(dir)).containsExactly(b);
        // The scanner's listing finishes them too (how the agent recovers at start), unless in a dry run.
        Files.writeString(dir.resolve("x.tar" + ArchiveFiles.DELETING_SUFFIX), "half deleted");
        ArchiveIndex index = ArchiveIndex.inMemory();
        assertThat(new DirectoryScanner(files, index, UnaryOperator.identity(), false)
                        .scan()
                        .finishedDeletions())
                .isZero();
        assertThat(new DirectoryScanner(files, index, UnaryOperator.identity())
                        .scan()
                        .finishedDeletions())
                .isEqualTo(1);
        assertThat(Files.list(dir)).containsExactly(b);

        Files.writeString(dir.resolve(b.getFileName() + ArchiveFiles.PIN_SUFFIX), "");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> files.delete(b.getFileName().toString()))
                .hasMessageContaining("pinned");
        Files.delete(dir.resolve(b.getFileName() + ArchiveFiles.PIN_SUFFIX));
        assertThat(files.delete(b.getFileName().toString())).isTrue();
        assertThat(files.delete(b.getFileName().toString())).isFalse();
        assertThat(Files.list(dir)).isEmpty();
    }
}
