package dev.amber.cri;

import java.util.Optional;

/**
 * Reads one key of one table from TOML as CRI-O writes its configuration ({@code crio status config}): a
 * {@code [table]} header on its own line, then {@code key = value} lines. Enough for the few settings Amber
 * reads; not a TOML parser (no inline tables, no multi-line values, no dotted keys).
 */
final class TomlKeys {
    private TomlKeys() {}

    /** The value of {@code key} in {@code [table]}, without quotes; empty when either is missing. */
    static Optional<String> value(String toml, String table, String key) {
        String current = "";
        for (String raw : toml.split("\n")) {
            String line = raw.strip();
            if (line.startsWith("[") && line.endsWith("]") && !line.startsWith("[[")) {
                current = line.substring(1, line.length() - 1).strip();
                continue;
            }
            if (!current.equals(table) || line.startsWith("#")) {
                continue;
            }
            int equals = line.indexOf('=');
            if (equals > 0 && line.substring(0, equals).strip().equals(key)) {
                return Optional.of(unquote(line.substring(equals + 1).strip()));
            }
        }
        return Optional.empty();
    }

    private static String unquote(String value) {
        int hash = value.startsWith("\"") ? value.indexOf('"', 1) + 1 : value.indexOf('#');
        String bare = hash > 0 ? value.substring(0, hash).strip() : value;
        if (bare.length() >= 2 && (bare.startsWith("\"") || bare.startsWith("'"))) {
            return bare.substring(1, bare.length() - 1);
        }
        return bare;
    }
}
