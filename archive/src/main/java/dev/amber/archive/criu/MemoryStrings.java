package dev.amber.archive.criu;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A process's command line and environment, read from its memory between mm's arg and env bounds. */
public record MemoryStrings(List<String> commandLine, List<String> environment) {

    /** Splits NUL-separated strings, as the kernel lays out argv and envp. */
    public static List<String> split(byte[] data) {
        if (data == null) {
            return null;
        }
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= data.length; i++) {
            if (i == data.length || data[i] == 0) {
                if (i > start) {
                    out.add(new String(data, start, i - start, StandardCharsets.UTF_8));
                }
                start = i + 1;
            }
        }
        return out;
    }
}
