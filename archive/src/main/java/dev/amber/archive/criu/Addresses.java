package dev.amber.archive.criu;

import java.util.List;

/**
 * Formats CRIU's socket addresses: u32 words holding the address bytes in network order as the kernel
 * keeps them in memory. An IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}) is shown as plain IPv4,
 * which is what the peer really is (checkpointctl prints such peers as unreadable IPv6).
 */
public final class Addresses {
    private Addresses() {}

    public static String format(List<Integer> words) {
        if (words.isEmpty()) {
            return "";
        }
        byte[] bytes = new byte[words.size() * 4];
        for (int i = 0; i < words.size(); i++) {
            int w = words.get(i);
            bytes[i * 4] = (byte) w;
            bytes[i * 4 + 1] = (byte) (w >>> 8);
            bytes[i * 4 + 2] = (byte) (w >>> 16);
            bytes[i * 4 + 3] = (byte) (w >>> 24);
        }
        if (bytes.length == 4) {
            return ipv4(bytes, 0);
        }
        if (bytes.length == 16) {
            if (isV4Mapped(bytes)) {
                return ipv4(bytes, 12);
            }
            return ipv6(bytes);
        }
        return "";
    }

    private static boolean isV4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
    }

    private static String ipv4(byte[] b, int off) {
        return (b[off] & 0xff) + "." + (b[off + 1] & 0xff) + "." + (b[off + 2] & 0xff) + "." + (b[off + 3] & 0xff);
    }

    /** RFC 5952 text: lower case, longest run of two or more zero groups shortened to "::". */
    private static String ipv6(byte[] b) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((b[i * 2] & 0xff) << 8) | (b[i * 2 + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLen && j - i >= 2) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                s.append("::");
                i += bestLen - 1;
                continue;
            }
            if (s.length() > 0 && s.charAt(s.length() - 1) != ':') {
                s.append(':');
            }
            s.append(Integer.toHexString(groups[i]));
        }
        return s.toString();
    }
}
