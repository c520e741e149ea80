package dev.amber.cli.output;

import java.util.Locale;

/** Human-readable sizes in binary units, written as checkpointctl writes them ("1.5 MiB"). */
public final class Bytes {
    private Bytes() {}

    public static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        long div = 1024;
        int exp = 0;
        for (long n = bytes / 1024; n >= 1024; n /= 1024) {
            div *= 1024;
            exp++;
        }
        return String.format(Locale.ROOT, "%.1f %ciB", (double) bytes / div, "KMGTPE".charAt(exp));
    }
}
