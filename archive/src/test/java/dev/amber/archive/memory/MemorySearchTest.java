package dev.amber.archive.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Matches are found once whatever the chunking, and never across a gap between regions. */
class MemorySearchTest {
    private static void feed(MemorySearch s, int pid, long address, byte[] data, int chunk) {
        for (int i = 0; i < data.length; i += chunk) {
            int n = Math.min(chunk, data.length - i);
            s.accept(pid, address + i, data, i, n);
        }
        s.endOfProcess(pid);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void findsEachMatchOnceForEveryChunkSize() {
        byte[] data = bytes("xxneedlexxxxneedleneedlexx");
        for (int chunk = 1; chunk <= data.length; chunk++) {
            MemorySearch s = MemorySearch.literal("needle", p -> true, 2, 100);
            feed(s, 1, 0x1000, data, chunk);
            assertThat(s.matches())
                    .as("chunk %d", chunk)
                    .extracting(MemorySearch.Match::address)
                    .containsExactly(0x1002L, 0x100cL, 0x1012L);
            assertThat(new String(s.matches().get(0).before(), StandardCharsets.ISO_8859_1))
                    .isEqualTo("xx");
            assertThat(new String(s.matches().get(2).after(), StandardCharsets.ISO_8859_1))
                    .isEqualTo("xx");
        }
    }

    @Test
    void doesNotJoinRegionsThatAreNotContiguous() {
        MemorySearch s = MemorySearch.literal("needle", p -> true, 0, 100);
        byte[] a = bytes("...nee");
        byte[] b = bytes("dle...");
        s.accept(1, 0x1000, a, 0, a.length);
        s.accept(1, 0x9000, b, 0, b.length); // a gap: unmapped memory lies between
        s.endOfProcess(1);
        assertThat(s.matches()).isEmpty();
    }

    @Test
    void regexAcrossChunks() {
        byte[] data = bytes("....token=abc123;....token=zz9;");
        for (int chunk : new int[] {1, 3, 7, 64}) {
            MemorySearch s = MemorySearch.regex("token=[a-z0-9]+", p -> true, 0, 100);
            feed(s, 2, 0, data, chunk);
            assertThat(s.matches())
                    .as("chunk %d", chunk)
                    .extracting(MemorySearch.Match::matchedText)
                    .containsExactly("token=abc123", "token=zz9");
        }
    }

    @Test
    void stopsAtTheLimit() {
        MemorySearch s = MemorySearch.literal("a", p -> true, 0, 3);
        feed(s, 1, 0, bytes("aaaaaaaa"), 2);
        assertThat(s.matches()).hasSize(3);
        assertThat(s.full()).isTrue();
    }

    @Test
    void onlyWantedProcesses() {
        MemorySearch s = MemorySearch.literal("x", p -> p == 5, 0, 10);
        assertThat(s.wants(5)).isTrue();
        assertThat(s.wants(6)).isFalse();
    }
}
