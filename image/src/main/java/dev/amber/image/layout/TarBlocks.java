package dev.amber.image.layout;

import java.nio.charset.StandardCharsets;

/** Writes the ustar headers of an OCI archive: regular files with short, fixed names. */
final class TarBlocks {
    static final int BLOCK = 512;

    private TarBlocks() {}

    static byte[] fileHeader(String name, long size, long mtimeSeconds) {
        byte[] name8 = name.getBytes(StandardCharsets.UTF_8);
        if (name8.length > 100) {
            throw new IllegalArgumentException("tar name too long: " + name);
        }
        byte[] h = new byte[BLOCK];
        System.arraycopy(name8, 0, h, 0, name8.length);
        octal(h, 100, 8, 0644);
        octal(h, 108, 8, 0);
        octal(h, 116, 8, 0);
        if (size < 0777_7777_7777L) {
            octal(h, 124, 12, size);
        } else {
            h[124] = (byte) 0x80; // GNU base-256 for 8 GiB and more
            for (int i = 0; i < 8; i++) {
                h[135 - i] = (byte) (size >>> (8 * i));
            }
        }
        octal(h, 136, 12, mtimeSeconds);
        h[156] = '0';
        System.arraycopy("ustar\0".getBytes(StandardCharsets.US_ASCII), 0, h, 257, 6);
        h[263] = '0';
        h[264] = '0';
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';
        }
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        String s = String.format("%06o", sum);
        System.arraycopy(s.getBytes(StandardCharsets.US_ASCII), 0, h, 148, 6);
        h[154] = 0;
        h[155] = ' ';
        return h;
    }

    static int padding(long size) {
        return (int) ((BLOCK - size % BLOCK) % BLOCK);
    }

    private static void octal(byte[] h, int offset, int length, long value) {
        String s = Long.toOctalString(value);
        int digits = length - 1;
        String padded = "0".repeat(Math.max(0, digits - s.length())) + s;
        System.arraycopy(padded.getBytes(StandardCharsets.US_ASCII), 0, h, offset, digits);
        h[offset + digits] = 0;
    }
}
