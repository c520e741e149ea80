package dev.amber.testkit.podman;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A minimal reader of uncompressed tar bytes (ustar, PAX path records, GNU long names), so the
 * fixtures are checked without Amber's own archive reader, which they exist to test.
 */
final class TarEntries {
    private static final int BLOCK = 512;

    private TarEntries() {}

    /** Entry name (without a leading "./" or "/") to content, in archive order. */
    static Map<String, byte[]> read(byte[] tar) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        String nextName = null;
        int at = 0;
        while (at + BLOCK <= tar.length && tar[at] != 0) {
            String name = text(tar, at, 100);
            String prefix = text(tar, at + 345, 155);
            long size = Long.parseLong(
                    text(tar, at + 124, 12).trim().isEmpty()
                            ? "0"
                            : text(tar, at + 124, 12).trim(),
                    8);
            char type = (char) tar[at + 156];
            int data = at + BLOCK;
            byte[] content = Arrays.copyOfRange(tar, data, (int) (data + size));
            if (type == 'x') {
                nextName = paxPath(new String(content, StandardCharsets.UTF_8));
            } else if (type == 'L') {
                nextName = new String(content, StandardCharsets.UTF_8).replace("\0", "");
            } else {
                String full = nextName != null ? nextName : prefix.isEmpty() ? name : prefix + "/" + name;
                entries.put(full.replaceFirst("^\\./", "").replaceFirst("^/", ""), content);
                nextName = null;
            }
            at = data + (int) ((size + BLOCK - 1) / BLOCK * BLOCK);
        }
        return entries;
    }

    private static String paxPath(String records) {
        for (String record : records.split("\n")) {
            int space = record.indexOf(' ');
            if (space > 0 && record.startsWith("path=", space + 1)) {
                return record.substring(space + 1 + "path=".length());
            }
        }
        return null;
    }

    private static String text(byte[] bytes, int offset, int length) {
        int end = offset;
        while (end < offset + length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, offset, end - offset, StandardCharsets.UTF_8);
    }
}
