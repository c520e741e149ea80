package dev.amber.cli.cluster;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** kubectl's {@code --timeout} values: {@code 90s}, {@code 5m}, {@code 1h}, or a number of seconds. */
final class WaitDuration {
    private static final Pattern FORM = Pattern.compile("([0-9]+)(s|m|h)?");

    private WaitDuration() {}

    static Duration parse(String option, String value) {
        Matcher m = FORM.matcher(value.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    option + " must be a duration such as 90s, 5m or 1h, not '" + value + "'");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2) == null ? "s" : m.group(2)) {
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofSeconds(n);
        };
    }
}
