package dev.amber.testkit.podman;

import static org.assertj.core.api.Assertions.assertThat;

import dev.amber.testkit.podman.PodmanCheckpoints.Compression;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The fixtures make real archives: right compression, real content, and they restore. */
@Tag("podman")
@Tag("criu")
class PodmanCheckpointsTest {

    private static final Duration RESTORE_WAIT = Duration.ofSeconds(20);

    @ParameterizedTest
    @EnumSource(Compression.class)
    void counterArchiveHasTheRequestedCompression(Compression compression) throws IOException {
        Path archive = PodmanCheckpoints.counterArchive(compression);

        byte[] head = firstBytes(archive, 262);
        switch (compression) {
            case ZSTD -> assertThat(HexFormat.of().formatHex(head, 0, 4)).isEqualTo("28b52ffd");
            case GZIP -> assertThat(HexFormat.of().formatHex(head, 0, 3)).isEqualTo("1f8b08");
            // A plain tar carries "ustar" at offset 257 of its first header.
            case NONE ->
                assertThat(new String(head, 257, 5, StandardCharsets.US_ASCII)).isEqualTo("ustar");
        }
        assertThat(PodmanCheckpoints.counterArchive(compression))
                .as("cached per JVM")
                .isEqualTo(archive);
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void restoredCounterGoesOnFromWhereItWasCheckpointed(Compression compression) {
        Path archive = PodmanCheckpoints.counterArchive(compression);
        long atCheckpoint = PodmanCheckpoints.counterAtCheckpoint(archive);

        String restored = PodmanCheckpoints.restore(archive, "counter-restored");
        String log = Podman.awaitLogs(
                restored,
                RESTORE_WAIT,
                l -> PodmanCheckpoints.lastCounterValue(l).orElse(-1) >= atCheckpoint + 5);

        // A restarted shell would begin at 0 again; a restored one prints the next number.
        List<Long> values = PodmanCheckpoints.counterValues(log);
        List<Long> afterCheckpoint = values.subList(values.indexOf(atCheckpoint) + 1, values.size());
        assertThat(values).contains(atCheckpoint);
        assertThat(afterCheckpoint).first().isEqualTo(atCheckpoint + 1);
        assertThat(values).doesNotHaveDuplicates();
        Podman.remove(restored);
    }

    @Test
    void tcpArchiveRestoresTheEstablishedConnection() throws IOException {
        Path archive = PodmanCheckpoints.tcpArchive();
        // CRIU writes a tcp-stream image for each established connection: both ends of the loopback pair.
        assertThat(TarEntries.read(Files.readAllBytes(archive)).keySet())
                .filteredOn(name -> name.startsWith("checkpoint/tcp-stream-"))
                .hasSize(2);

        String restored = PodmanCheckpoints.restoreWithEstablishedTcp(archive);
        int echoesBefore = countOccurrences(Podman.logs(restored), "tcpecho echo ");
        // Echo lines keep coming only if the client's connection to the server survived.
        String log =
                Podman.awaitLogs(restored, RESTORE_WAIT, l -> countOccurrences(l, "tcpecho echo ") >= echoesBefore + 2);
        assertThat(log).doesNotContain("connection closed");
        Podman.remove(restored);
    }

    @Test
    void memoryArchiveIsAtLeastTheMemoryItHolds() throws IOException {
        Path archive = PodmanCheckpoints.memoryArchive(16, "AMBER-SECRET-TOKEN-1234", Compression.NONE);

        // Random bytes do not compress, so the pages alone make the archive exceed 16 MiB.
        assertThat(Files.size(archive)).isGreaterThan(16L << 20);
        // The marker also stands in argv (NUL around it) and in the JSON dumps (quotes around it);
        // only the planted copy has random bytes on both sides.
        byte[] content = Files.readAllBytes(archive);
        byte[] marker = "AMBER-SECRET-TOKEN-1234".getBytes(StandardCharsets.US_ASCII);
        boolean planted = false;
        for (int at = indexOf(content, 0, content.length, marker);
                at > 0;
                at = indexOf(content, at + 1, content.length, marker)) {
            int end = at + marker.length;
            planted |= end < content.length && !isDelimiter(content[at - 1]) && !isDelimiter(content[end]);
        }
        assertThat(planted).as("the marker memhog planted in its random memory").isTrue();
    }

    private static boolean isDelimiter(byte b) {
        return b == 0 || b == '"';
    }

    @Test
    void filesArchiveCarriesRootfsChangesAndDeletedFiles() throws IOException {
        Path archive = PodmanCheckpoints.filesArchive();
        Map<String, byte[]> entries = TarEntries.read(Files.readAllBytes(archive));

        assertThat(text(entries.get("deleted.files"))).contains("/etc/amber-test/delete-me");
        Map<String, byte[]> rootfsDiff = TarEntries.read(entries.get("rootfs-diff.tar"));
        assertThat(text(rootfsDiff.get("data/new-file"))).isEqualTo("created by the test\n");
        // CRIU keeps the content of a deleted-but-open file in a ghost-file image.
        assertThat(entries.entrySet())
                .filteredOn(e -> e.getKey().startsWith("checkpoint/ghost-file-"))
                .anySatisfy(e -> assertThat(text(e.getValue())).contains("amber held file: deleted but still open"));

        String restored = PodmanCheckpoints.restore(archive, "files-restored");
        String log = Podman.awaitLogs(restored, RESTORE_WAIT, l -> countOccurrences(l, " intact") >= 5);
        assertThat(log).doesNotContain("damaged");
        Podman.remove(restored);
    }

    private static String text(byte[] bytes) {
        assertThat(bytes).as("entry present").isNotNull();
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static byte[] firstBytes(Path file, int count) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(count);
        }
    }

    private static int countOccurrences(String text, String needle) {
        int count = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
            count++;
        }
        return count;
    }

    private static int indexOf(byte[] haystack, int from, int length, byte[] needle) {
        outer:
        for (int i = from; i + needle.length <= length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
