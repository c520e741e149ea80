package dev.amber.archive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.amber.archive.synthetic.SyntheticCheckpoint;
import dev.amber.archive.synthetic.TarWriter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input becomes an {@link ArchiveException} with one line that names the archive and the problem;
 * never another exception type (which the CLI would show as a crash), never a partial result.
 */
class MalformedArchiveTest {
    @TempDir
    Path dir;

    private String failure(Path archive) {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(
                () -> CheckpointReader.read(archive, EnumSet.allOf(ReadPart.class)));
        assertThat(t).isInstanceOf(ArchiveException.class);
        assertThat(t.getMessage()).doesNotContain("\n").startsWith(archive.toString());
        return t.getMessage();
    }

    @Test
    void randomBytes() throws Exception {
        byte[] junk = new byte[10_000];
        new Random(1).nextBytes(junk);
        Path p = Files.write(dir.resolve("junk.tar"), junk);
        assertThat(failure(p)).contains("not a checkpoint archive");
    }

    @Test
    void emptyFile() throws Exception {
        assertThat(failure(Files.write(dir.resolve("empty.tar"), new byte[0]))).contains("empty file");
    }

    @Test
    void missingFile() {
        assertThat(failure(dir.resolve("nope.tar"))).contains("no such file");
    }

    @Test
    void truncatedPlainTar() throws Exception {
        Path whole = SyntheticCheckpoint.standard(new byte[8192])
                .writeTar(dir.resolve("w.tar"), SyntheticCheckpoint.Compression.NONE);
        byte[] bytes = Files.readAllBytes(whole);
        Path cut = Files.write(dir.resolve("cut.tar"), Arrays.copyOf(bytes, bytes.length / 2 + 100));
        assertThat(failure(cut)).contains("truncated");
    }

    @Test
    void truncatedZstd() throws Exception {
        Path whole = SyntheticCheckpoint.standard(new byte[8192])
                .writeTar(dir.resolve("w.tar.zst"), SyntheticCheckpoint.Compression.ZSTD);
        byte[] bytes = Files.readAllBytes(whole);
        Path cut = Files.write(dir.resolve("cut.tar.zst"), Arrays.copyOf(bytes, bytes.length / 2));
        assertThat(failure(cut)).containsAnyOf("truncated", "corrupt");
    }

    @Test
    void truncatedGzip() throws Exception {
        Path whole = SyntheticCheckpoint.standard(new byte[8192])
                .writeTar(dir.resolve("w.tar.gz"), SyntheticCheckpoint.Compression.GZIP);
        byte[] bytes = Files.readAllBytes(whole);
        Path cut = Files.write(dir.resolve("cut.tar.gz"), Arrays.copyOf(bytes, bytes.length / 2));
        assertThat(failure(cut)).containsAnyOf("truncated", "corrupt");
    }

    @Test
    void missingConfigDump() throws Exception {
        Path p = SyntheticCheckpoint.standard(new byte[10])
                .file("config.dump", null)
                .writeTar(dir.resolve("a.tar"), SyntheticCheckpoint.Compression.NONE);
        assertThat(failure(p)).contains("config.dump is missing");
    }

    @Test
    void missingBothMetadataFiles() throws Exception {
        Path p = SyntheticCheckpoint.standard(new byte[10])
                .file("config.dump", null)
                .file("spec.dump", null)
                .writeTar(dir.resolve("a.tar"), SyntheticCheckpoint.Compression.NONE);
        assertThat(failure(p)).contains("not a container checkpoint");
    }

    @Test
    void invalidSpecDump() throws Exception {
        Path p = SyntheticCheckpoint.standard(new byte[10])
                .file("spec.dump", "{not json".getBytes(StandardCharsets.UTF_8))
                .writeTar(dir.resolve("a.tar.zst"), SyntheticCheckpoint.Compression.ZSTD);
        assertThat(failure(p)).contains("spec.dump is not valid JSON");
    }

    @Test
    void corruptProtobuf() throws Exception {
        byte[] garbage = new byte[] {
            0x19,
            0x43,
            0x56,
            0x54,
            0x47,
            0x38,
            0x05,
            0x55,
            8,
            0,
            0,
            0,
            (byte) 0xff,
            (byte) 0xff,
            (byte) 0xff,
            (byte) 0xff,
            (byte) 0xff,
            (byte) 0xff,
            (byte) 0xff,
            (byte) 0xff
        };
        Path p = SyntheticCheckpoint.standard(new byte[10])
                .file("checkpoint/core-7.img", garbage)
                .writeTar(dir.resolve("a.tar"), SyntheticCheckpoint.Compression.NONE);
        assertThat(failure(p)).contains("corrupt CRIU image core-7.img");
    }

    @Test
    void imageEntryClaimingMoreBytesThanItHas() throws Exception {
        byte[] img = new byte[] {0x19, 0x43, 0x56, 0x54, 0x30, 0x30, 0x27, 0x50, (byte) 0xff, 0, 0, 0, 1, 2};
        Path p = SyntheticCheckpoint.standard(new byte[10])
                .file("checkpoint/pstree.img", img)
                .writeTar(dir.resolve("a.tar"), SyntheticCheckpoint.Compression.NONE);
        assertThat(failure(p)).contains("pstree.img").contains("beyond the end");
    }

    @Test
    void pagesFileShorterThanItsPagemap() throws Exception {
        Path p = SyntheticCheckpoint.standard(new byte[3 * 4096])
                .file("checkpoint/pages-7.img", new byte[4096])
                .writeTar(dir.resolve("a.tar"), SyntheticCheckpoint.Compression.NONE);
        assertThat(failure(p)).contains("pages-7.img").contains("pagemap needs");
    }

    @Test
    void entryEscapingWithDotDot() throws Exception {
        assertThat(failure(hostileTar("../../etc/passwd"))).contains("escapes the archive");
    }

    @Test
    void entryWithAbsolutePath() throws Exception {
        assertThat(failure(hostileTar("/etc/passwd"))).contains("absolute path");
    }

    @Test
    void hostileEntryInsideCompressedArchive() throws Exception {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        try (TarWriter t = new TarWriter(new com.github.luben.zstd.ZstdOutputStream(raw))) {
            t.file("config.dump", "{}".getBytes(StandardCharsets.UTF_8));
            t.file("checkpoint/../../x", new byte[1]);
        }
        Path p = Files.write(dir.resolve("hostile.tar.zst"), raw.toByteArray());
        assertThat(failure(p)).contains("escapes the archive");
    }

    @Test
    void noCriuImages() throws Exception {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        var entries = SyntheticCheckpoint.standard(new byte[10]).entries();
        try (TarWriter t = new TarWriter(raw)) {
            t.file("config.dump", entries.get("config.dump"));
            t.file("spec.dump", entries.get("spec.dump"));
        }
        Path p = Files.write(dir.resolve("bare.tar"), raw.toByteArray());
        assertThat(failure(p)).contains("no CRIU images");
        // Metadata alone still reads: show and list work on such an archive.
        assertThat(CheckpointReader.read(p, ReadPart.of(ReadPart.SIZES))
                        .container()
                        .name())
                .isEqualTo("counter");
    }

    private Path hostileTar(String name) throws Exception {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        try (TarWriter t = new TarWriter(raw)) {
            t.file("config.dump", "{}".getBytes(StandardCharsets.UTF_8));
            t.file(name, "x".getBytes(StandardCharsets.UTF_8));
        }
        return Files.write(dir.resolve("hostile.tar"), raw.toByteArray());
    }
}
