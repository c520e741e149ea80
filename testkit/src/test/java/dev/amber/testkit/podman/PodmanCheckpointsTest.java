package dev.amber.testkit.podman;

import static org.assertj.core.api.Assertions.assertThat;

import dev.amber.testkit.podman.PodmanCheckpoints.Compression;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
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
            case NONE -> assertThat(new String(head, 257, 5, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("ustar");
        }
        assertThat(PodmanCheckpoints.counterArchive(compression)).as("cached per JVM").isEqualTo(archive);
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void restoredCounterGoesOnFromWhereItWasCheckpointed(Compression compression) {
        Path archive = PodmanCheckpoints.counterArchive(compression);
        long atCheckpoint = PodmanCheckpoints.counterAtCheckpoint(archive);

        String restored = PodmanCheckpoints.restore(archive, "counter-restored");
        String log = Podman.awaitLogs(restored, RESTORE_WAIT,
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
        assertThat(new String(firstBytes(archive, 262), 257, 5, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("ustar");

        String restored = PodmanCheckpoints.restoreWithEstablishedTcp(archive);
        int echoesBefore = countOccurrences(Podman.logs(restored), "tcpecho echo ");
        // Echo lines keep coming only if the client's connection to the server survived.
        String log = Podman.awaitLogs(restored, RESTORE_WAIT,
                l -> countOccurrences(l, "tcpecho echo ") >= echoesBefore + 2);
        assertThat(log).doesNotContain("connection closed");
        Podman.remove(restored);
    }

    @Test
    void memoryArchiveIsAtLeastTheMemoryItHolds() throws IOException {
        Path archive = PodmanCheckpoints.memoryArchive(16, "AMBER-SECRET-TOKEN-1234", Compression.NONE);

        // Random bytes do not compress, so the pages alone make the archive exceed 16 MiB.
        assertThat(Files.size(archive)).isGreaterThan(16L << 20);
        assertThat(containsBytes(archive, "AMBER-SECRET-TOKEN-1234")).isTrue();
    }

    @Test
    void filesArchiveCarriesRootfsChangesAndDeletedFiles() throws IOException {
        Path archive = PodmanCheckpoints.filesArchive();

        assertThat(containsBytes(archive, "etc/amber-test/change-me")).as("rootfs-diff.tar").isTrue();
        assertThat(containsBytes(archive, "created by the test")).as("new file in rootfs-diff.tar").isTrue();
        assertThat(containsBytes(archive, "/etc/amber-test/delete-me")).as("deleted.files").isTrue();
        assertThat(containsBytes(archive, "amber held file: deleted but still open")).as("CRIU ghost file").isTrue();

        String restored = PodmanCheckpoints.restore(archive, "files-restored");
        String log = Podman.awaitLogs(restored, RESTORE_WAIT, l -> countOccurrences(l, " intact") >= 5);
        assertThat(log).doesNotContain("damaged");
        Podman.remove(restored);
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

    /** A plain byte search over an uncompressed tar: independent of Amber's own archive reader. */
    private static boolean containsBytes(Path file, String text) throws IOException {
        byte[] needle = text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] window = new byte[1 << 20];
        int kept = 0;
        try (InputStream in = Files.newInputStream(file)) {
            int read;
            while ((read = in.read(window, kept, window.length - kept)) > 0) {
                int filled = kept + read;
                if (indexOf(window, filled, needle) >= 0) {
                    return true;
                }
                kept = Math.min(needle.length - 1, filled);
                System.arraycopy(window, filled - kept, window, 0, kept);
            }
        }
        return false;
    }

    private static int indexOf(byte[] haystack, int length, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= length; i++) {
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
