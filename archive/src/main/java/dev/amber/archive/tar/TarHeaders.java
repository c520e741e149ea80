package dev.amber.archive.tar;

import java.nio.charset.StandardCharsets;

/** Parsing of 512-byte tar header blocks (POSIX ustar, with GNU and PAX extensions handled by readers). */
public final class TarHeaders {
    public static final int BLOCK = 512;

    private TarHeaders() {}

    /** True when the block's checksum is valid: distinguishes a tar from random bytes cheaply. */
    public static boolean looksLikeHeader(byte[] block) {
        if (isZeroBlock(block)) {
            return false;
        }
        long stored;
        try {
            stored = parseNumber(block, 148, 8);
        } catch (IllegalArgumentException e) {
            return false;
        }
        long unsigned = 0;
        long signed = 0;
        for (int i = 0; i < BLOCK; i++) {
            int b = (i >= 148 && i < 156) ? ' ' : block[i];
            unsigned += b & 0xff;
            signed += (byte) b;
        }
        return stored == unsigned || stored == signed;
    }

    public static boolean isZeroBlock(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    /** The entry name of a ustar header: prefix and name joined. */
    public static String name(byte[] block) {
        String name = string(block, 0, 100);
        boolean ustar =
                block[257] == 'u' && block[258] == 's' && block[259] == 't' && block[260] == 'a' && block[261] == 'r';
        if (ustar && block[262] == 0) { // POSIX ustar; GNU puts other data in the prefix field
            String prefix = string(block, 345, 155);
            if (!prefix.isEmpty()) {
                return prefix + "/" + name;
            }
        }
        return name;
    }

    public static long size(byte[] block) {
        return parseNumber(block, 124, 12);
    }

    public static byte type(byte[] block) {
        return block[156];
    }

    static String string(byte[] block, int offset, int length) {
        int end = offset;
        while (end < offset + length && block[end] != 0) {
            end++;
        }
        return new String(block, offset, end - offset, StandardCharsets.UTF_8);
    }

    /** Octal, or GNU base-256 when the high bit of the first byte is set (sizes of 8 GiB and more). */
    static long parseNumber(byte[] block, int offset, int length) {
        if ((block[offset] & 0x80) != 0) {
            long value = block[offset] & 0x7f;
            for (int i = 1; i < length; i++) {
                if (value > (Long.MAX_VALUE >> 8)) {
                    throw new IllegalArgumentException("tar number too large");
                }
                value = (value << 8) | (block[offset + i] & 0xff);
            }
            return value;
        }
        long value = 0;
        int i = offset;
        int end = offset + length;
        while (i < end && (block[i] == ' ' || block[i] == 0)) {
            i++;
        }
        for (; i < end; i++) {
            byte b = block[i];
            if (b == 0 || b == ' ') {
                break;
            }
            if (b < '0' || b > '7') {
                throw new IllegalArgumentException("invalid octal digit in tar header");
            }
            value = (value << 3) + (b - '0');
        }
        return value;
    }

    /** Bytes of padding that follow an entry of {@code size} bytes up to the next block. */
    public static long padding(long size) {
        long rem = size % BLOCK;
        return rem == 0 ? 0 : BLOCK - rem;
    }
}
