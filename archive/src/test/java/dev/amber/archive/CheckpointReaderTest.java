package dev.amber.archive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.amber.archive.memory.MemorySearch;
import dev.amber.archive.model.OpenFile;
import dev.amber.archive.model.ProcessNode;
import dev.amber.archive.model.RootfsChange;
import dev.amber.archive.model.SocketInfo;
import dev.amber.archive.synthetic.SyntheticCheckpoint;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Decoding of a synthetic checkpoint whose content is known exactly, in every storage format: the plain
 * tar (read with seeks), zstd and gzip (streamed once) and an extracted directory must all agree.
 */
class CheckpointReaderTest {
    static final String MARKER = "AMBER-SECRET-TOKEN-1234";

    enum Storage {
        TAR,
        TAR_ZSTD,
        TAR_GZIP,
        DIRECTORY
    }

    @TempDir
    Path dir;

    static byte[] memory() {
        byte[] mem = new byte[3 * 4096];
        for (int i = 0; i < mem.length; i++) {
            mem[i] = (byte) (i * 7);
        }
        // Straddles the first page boundary of the present run, so a search must join two pages.
        byte[] m = MARKER.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(m, 0, mem, 4096 - 10, m.length);
        return mem;
    }

    Path write(Storage storage) throws Exception {
        SyntheticCheckpoint c = SyntheticCheckpoint.standard(memory());
        return switch (storage) {
            case TAR -> c.writeTar(dir.resolve("c.tar"), SyntheticCheckpoint.Compression.NONE);
            case TAR_ZSTD -> c.writeTar(dir.resolve("c.tar.zst"), SyntheticCheckpoint.Compression.ZSTD);
            case TAR_GZIP -> c.writeTar(dir.resolve("c.tar.gz"), SyntheticCheckpoint.Compression.GZIP);
            case DIRECTORY -> c.writeDirectory(dir.resolve("extracted"));
        };
    }

    @ParameterizedTest
    @EnumSource(Storage.class)
    void decodesEverythingInEveryFormat(Storage storage) throws Exception {
        Path archive = write(storage);
        Checkpoint c = CheckpointReader.read(archive, EnumSet.allOf(ReadPart.class));

        assertThat(c.format().name()).isEqualTo(storage.name());
        assertThat(c.container().name()).isEqualTo("counter");
        assertThat(c.container().engine()).isEqualTo(Engine.PODMAN);
        assertThat(c.container().ip()).isEqualTo("10.88.0.5");
        assertThat(c.container().image()).isEqualTo("localhost/amber-test/busybox:latest");

        ProcessNode root = c.processTree();
        assertThat(root.pid()).isEqualTo(1);
        assertThat(root.comm()).isEqualTo("sh");
        assertThat(root.commandLine()).containsExactly("/bin/sh", "-c", "counter");
        assertThat(root.environment()).containsExactly("PATH=/bin", "HOME=/root");
        assertThat(root.children()).singleElement().satisfies(child -> {
            assertThat(child.pid()).isEqualTo(7);
            assertThat(child.commandLine()).containsExactly("/memhog", "64");
            assertThat(child.environment()).containsExactly("SECRET=hunter2");
        });

        List<OpenFile> files = c.files().get(7);
        assertThat(files).extracting(OpenFile::fd).containsExactly("0", "1", "3", "4", "5", "cwd", "root");
        assertThat(files)
                .filteredOn(f -> f.fd().equals("3"))
                .singleElement()
                .satisfies(f -> assertThat(f.deleted()).isTrue());
        assertThat(files)
                .filteredOn(f -> f.fd().equals("1"))
                .singleElement()
                .satisfies(f -> assertThat(f.path()).isEqualTo("pipe[777]"));

        List<SocketInfo> sockets = c.sockets().get(7);
        assertThat(sockets).hasSize(2);
        SocketInfo established = sockets.get(0);
        // An IPv6 socket talking to an IPv4 peer: shown as the IPv4 address it is.
        assertThat(established.source()).isEqualTo("127.0.0.1");
        assertThat(established.destination()).isEqualTo("127.0.0.2");
        assertThat(established.state()).isEqualTo("ESTABLISHED");
        assertThat(established.sendQueue()).isEqualTo(3);
        assertThat(established.receiveQueue()).isEqualTo(5);
        assertThat(sockets.get(1).state()).isEqualTo("LISTEN");

        assertThat(c.rootfsChanges())
                .extracting(RootfsChange::path, RootfsChange::kind)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("/tmp/state.json", RootfsChange.Kind.WRITTEN),
                        org.assertj.core.groups.Tuple.tuple("/etc/hostname", RootfsChange.Kind.WRITTEN),
                        org.assertj.core.groups.Tuple.tuple("/etc/motd", RootfsChange.Kind.DELETED));

        // Pagemap: 1 present page (args), 3 parent pages, 2 lazy pages, 3 present pages of memory.
        assertThat(c.memoryMaps().get(7).totalBytes()).isEqualTo(9 * 4096);
        assertThat(c.memoryMaps().get(7).presentBytes()).isEqualTo(4 * 4096);
        assertThat(c.sizes().memoryPages()).isEqualTo((2 + 4) * 4096);
    }

    @ParameterizedTest
    @EnumSource(Storage.class)
    void searchFindsTextAcrossPagesAndSkipsParentAndLazyRuns(Storage storage) throws Exception {
        Path archive = write(storage);
        MemorySearch search = MemorySearch.literal(MARKER, pid -> true, 3, 100);
        CheckpointReader.read(archive, ReadPart.of(ReadPart.PROCESSES), search);

        // The present memory run starts at 0x600000. Reading it at the file offset checkpointctl computes
        // (counting the parent and lazy runs too) would read other bytes and find nothing.
        assertThat(search.matches()).singleElement().satisfies(m -> {
            assertThat(m.pid()).isEqualTo(7);
            assertThat(m.address()).isEqualTo(0x600000L + 4096 - 10);
            assertThat(m.matchedText()).isEqualTo(MARKER);
            assertThat(m.before()).hasSize(3);
            assertThat(m.after()).hasSize(3);
        });
    }

    @org.junit.jupiter.api.Test
    void pagesThatStreamPastBeforeTheirPagemapAreSpilledAndStillRead() throws Exception {
        // Engines write pagemap-N before pages-N; an archive in the other order must read the same.
        var entries = SyntheticCheckpoint.standard(memory()).entries();
        var reordered = new LinkedHashMap<String, byte[]>();
        entries.forEach((name, data) -> {
            if (!name.startsWith("checkpoint/")) {
                reordered.put(name, data);
            }
        });
        entries.forEach((name, data) -> {
            if (name.startsWith("checkpoint/pages-")) {
                reordered.put(name, data); // the checkpoint directory starts with the pages files
            }
        });
        entries.forEach(reordered::putIfAbsent);
        Path archive = dir.resolve("reordered.tar.zst");
        try (var tar = new dev.amber.archive.synthetic.TarWriter(
                new com.github.luben.zstd.ZstdOutputStream(Files.newOutputStream(archive)))) {
            for (var e : reordered.entrySet()) {
                tar.file(e.getKey(), e.getValue());
            }
        }
        MemorySearch search = MemorySearch.literal(MARKER, pid -> true, 0, 100);
        Checkpoint c = CheckpointReader.read(archive, EnumSet.of(ReadPart.PROCESSES, ReadPart.COMMAND_LINES), search);

        assertThat(search.matches()).extracting(MemorySearch.Match::address).containsExactly(0x600000L + 4096 - 10);
        assertThat(c.processTree().children().get(0).commandLine()).containsExactly("/memhog", "64");
        try (var left = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            assertThat(left.map(f -> f.getFileName().toString())).noneMatch(n -> n.startsWith("amber-pages-"));
        }
    }

    @org.junit.jupiter.api.Test
    void aCheckpointDirectorySplitByOtherEntriesIsReadWhole() throws Exception {
        // A hand-repacked archive: the pass leaves checkpoint/ after the process tree, meets config.dump and
        // spec.dump (all the metadata it wants), and only then the memory images. It must not stop there.
        var entries = SyntheticCheckpoint.standard(memory()).entries();
        var split = new LinkedHashMap<String, byte[]>();
        entries.forEach((name, data) -> {
            if (name.startsWith("checkpoint/") && !name.matches("checkpoint/(mm|pagemap|pages)-.*")) {
                split.put(name, data);
            }
        });
        entries.forEach((name, data) -> {
            if (!name.startsWith("checkpoint/")) {
                split.put(name, data);
            }
        });
        entries.forEach(split::putIfAbsent);
        assertThat(List.copyOf(split.keySet()).indexOf("config.dump"))
                .isLessThan(List.copyOf(split.keySet()).indexOf("checkpoint/pages-1.img"));
        Path archive = dir.resolve("split.tar.zst");
        try (var tar = new dev.amber.archive.synthetic.TarWriter(
                new com.github.luben.zstd.ZstdOutputStream(Files.newOutputStream(archive)))) {
            for (var e : split.entrySet()) {
                tar.file(e.getKey(), e.getValue());
            }
        }
        MemorySearch search = MemorySearch.literal(MARKER, pid -> true, 0, 100);
        Checkpoint c = CheckpointReader.read(archive, EnumSet.of(ReadPart.PROCESSES, ReadPart.COMMAND_LINES), search);

        assertThat(search.matches()).extracting(MemorySearch.Match::address).containsExactly(0x600000L + 4096 - 10);
        assertThat(c.processTree().children().get(0).commandLine()).containsExactly("/memhog", "64");
    }

    @org.junit.jupiter.api.Test
    void mountpointsImagesAreSkippedUnread() throws Exception {
        // No part decodes CRIU's mount table, so its image must cost nothing: one larger than any image the
        // pass would hold in memory is passed over even when every part is asked for.
        Path extracted = SyntheticCheckpoint.standard(memory()).writeDirectory(dir.resolve("extracted"));
        try (var sparse = new RandomAccessFile(
                extracted.resolve("checkpoint/mountpoints-13.img").toFile(), "rw")) {
            sparse.setLength((256L << 20) + 1);
        }
        Checkpoint c = CheckpointReader.read(extracted, EnumSet.allOf(ReadPart.class));

        assertThat(c.processTree().children())
                .singleElement()
                .satisfies(child -> assertThat(child.commandLine()).containsExactly("/memhog", "64"));
    }

    @ParameterizedTest
    @EnumSource(Storage.class)
    void metadataOnlyReadStillSeesEngineMetadata(Storage storage) throws Exception {
        Checkpoint c = CheckpointReader.read(write(storage), ReadPart.of());
        assertThat(c.container().name()).isEqualTo("counter");
        assertThat(c.processTree()).isNull();
    }
}
