package dev.amber.cli.archive;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** Times as RFC 3339 in UTC, to the second: what users compare across nodes and tools. */
final class Times {
    private Times() {}

    static String format(Instant t) {
        return t == null ? null : DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.SECONDS));
    }
}
