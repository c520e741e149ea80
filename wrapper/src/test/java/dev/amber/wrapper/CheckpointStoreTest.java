package dev.amber.wrapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageStoreTest {
    @TempDir
    Path imageDir;

    private CheckpointMarker marker(long pid) {
        return new CheckpointMarker(
                CheckpointMarker.FORMAT, "2026-01-01T00:00:00Z", pid, List.of("app"), Map.of(1, "pipe:[5]"));
    }

    @Test
    void theMarkerSurvivesItsOwnJson() {
        CheckpointMarker tricky = new CheckpointMarker(
                CheckpointMarker.FORMAT,
                "2026-01-01T00:00:00Z",
                42,
                List.of("sh", "-c", "echo \"quoted\" \\ back\tslash\nnewline: {x}"),
                Map.of(1, "pipe:[5]", 2, "var/log/app.log"));

        assertThat(CheckpointMarker.parse(tricky.toJson())).isEqualTo(tricky);
    }

    @Test
    void anEmptyDirHasNoCheckpoint() {
        CheckpointStore store = new CheckpointStore(imageDir.resolve("new"));
        store.prepare();

        assertThat(store.current()).isEmpty();
        assertThat(imageDir.resolve("new")).isDirectory();
    }

    @Test
    void aPublishedDumpBecomesCurrentAndReplacesThePreviousOne() throws Exception {
        CheckpointStore store = new CheckpointStore(imageDir);
        Path first = store.beginPartial();
        Files.writeString(first.resolve("pstree.img"), "one");
        store.publish(first, marker(1));
        Thread.sleep(5); // distinct directory names
        Path second = store.beginPartial();
        Files.writeString(second.resolve("pstree.img"), "two");
        store.publish(second, marker(2));

        CheckpointStore.StoredCheckpoint current = store.current().orElseThrow();
        assertThat(current.marker()).isEqualTo(marker(2));
        assertThat(current.dir().resolve("pstree.img")).hasContent("two");
        try (var entries = Files.list(imageDir)) {
            assertThat(entries.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder(
                            "current", current.dir().getFileName().toString());
        }
    }

    @Test
    void aDumpThatNeverCompletedIsNeverRestoredAndIsCleanedUp() throws Exception {
        CheckpointStore store = new CheckpointStore(imageDir);
        Path partial = store.beginPartial();
        Files.writeString(partial.resolve("pages-1.img"), "half");

        assertThat(store.current()).isEmpty();
        assertThat(store.prepare()).containsExactly(partial);
        assertThat(partial).doesNotExist();
    }

    @Test
    void aCurrentCheckpointWithoutMarkerIsCorrupt() throws Exception {
        Files.createDirectory(imageDir.resolve("checkpoint-x"));
        Files.createSymbolicLink(imageDir.resolve("current"), Path.of("checkpoint-x"));

        assertThatThrownBy(() -> new CheckpointStore(imageDir).current())
                .isInstanceOf(CheckpointStore.CorruptCheckpoint.class)
                .hasMessageContaining("is incomplete: no amber-checkpoint.json");
    }

    @Test
    void anUnreadableMarkerOrDanglingLinkIsCorrupt() throws Exception {
        Path dir = Files.createDirectory(imageDir.resolve("checkpoint-x"));
        Files.writeString(dir.resolve(CheckpointMarker.FILE_NAME), "{not json");
        Files.createSymbolicLink(imageDir.resolve("current"), Path.of("checkpoint-x"));
        assertThatThrownBy(() -> new CheckpointStore(imageDir).current())
                .hasMessageContaining("unreadable amber-checkpoint.json");

        Files.delete(imageDir.resolve("current"));
        Files.createSymbolicLink(imageDir.resolve("current"), Path.of("checkpoint-gone"));
        assertThatThrownBy(() -> new CheckpointStore(imageDir).current()).hasMessageContaining("is missing");
    }

    @Test
    void retireForgetsAndQuarantineKeepsAside() throws Exception {
        CheckpointStore store = new CheckpointStore(imageDir);
        store.publish(store.beginPartial(), marker(1));
        Path aside = store.quarantine().orElseThrow();
        assertThat(aside.getFileName().toString()).startsWith("failed-");
        assertThat(aside.resolve(CheckpointMarker.FILE_NAME)).exists();
        assertThat(store.current()).isEmpty();

        store.publish(store.beginPartial(), marker(2));
        store.retire();
        assertThat(store.current()).isEmpty();
    }

    @Test
    void anImageDirThatCannotBeCreatedOrIsAFileIsAClearError() throws Exception {
        Path file = Files.writeString(imageDir.resolve("file"), "x");

        assertThatThrownBy(() -> new CheckpointStore(file.resolve("sub")).prepare())
                .hasMessageStartingWith("imageDir " + file.resolve("sub") + " cannot be created");
        assertThatThrownBy(() -> new CheckpointStore(file).prepare()).hasMessageContaining("cannot be created");
    }
}
