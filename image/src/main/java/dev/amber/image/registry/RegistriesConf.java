package dev.amber.image.registry;

import dev.amber.image.ImageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The {@code credential-helpers} setting of containers-registries.conf(5), which Podman, Buildah and
 * Skopeo follow: the order in which credentials are looked for. {@value #AUTH_FILES} stands for the
 * auth files ({@link AuthFiles}); any other entry names a credential helper, {@code docker-credential-NAME}.
 * Unset, it is {@code ["containers-auth.json"]}.
 *
 * <p>The files are read as containers/image reads them: {@code $HOME/.config/containers/registries.conf}
 * with the drop-ins in {@code $HOME/.config/containers/registries.conf.d} when that file exists;
 * otherwise {@code $CONTAINERS_REGISTRIES_CONF} (else {@code /etc/containers/registries.conf}) with the
 * drop-ins in {@code /etc/containers/registries.conf.d} and then the user's. Drop-ins ({@code *.conf})
 * are read in name order, and a later file that sets {@code credential-helpers} replaces it. Only that
 * one top-level key is read; the rest of the TOML is skipped.
 */
public final class RegistriesConf {
    /** The entry that means "the auth files", as in containers/image. */
    public static final String AUTH_FILES = "containers-auth.json";

    static final String KEY = "credential-helpers";
    private static final Path SYSTEM_FILE = Path.of("/etc/containers/registries.conf");
    private static final Path SYSTEM_DROP_INS = Path.of("/etc/containers/registries.conf.d");

    private RegistriesConf() {}

    /**
     * Where to look for credentials, in order.
     *
     * @param entries {@value #AUTH_FILES} or helper names
     * @param setIn the file that set them, or null for the default
     */
    public record CredentialOrder(List<String> entries, Path setIn) {
        static final CredentialOrder DEFAULT = new CredentialOrder(List.of(AUTH_FILES), null);
    }

    /** The files a process with this environment reads, in order; only those that exist. */
    public static List<Path> files(Map<String, String> env) {
        return files(env, SYSTEM_FILE, SYSTEM_DROP_INS);
    }

    /** The credential order the files set. */
    static CredentialOrder credentialOrder(List<Path> files) throws ImageException {
        CredentialOrder order = CredentialOrder.DEFAULT;
        for (Path file : files) {
            String text;
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new ImageException("cannot read " + file + ": " + e.getMessage());
            }
            Optional<List<String>> set = credentialHelpersIn(text, file);
            if (set.isPresent()) {
                order = set.get().isEmpty() ? CredentialOrder.DEFAULT : new CredentialOrder(set.get(), file);
            }
        }
        return order;
    }

    /** The files to read, in order; those that do not exist are left out. */
    static List<Path> files(Map<String, String> env, Path systemFile, Path systemDropIns) {
        String home = env.getOrDefault("HOME", System.getProperty("user.home"));
        Path userFile = home == null ? null : Path.of(home, ".config", "containers", "registries.conf");
        Path userDropIns = home == null ? null : Path.of(home, ".config", "containers", "registries.conf.d");
        List<Path> files = new ArrayList<>();
        if (userFile != null && Files.isRegularFile(userFile)) {
            files.add(userFile);
        } else {
            String override = env.get("CONTAINERS_REGISTRIES_CONF");
            Path main = override != null && !override.isBlank() ? Path.of(override) : systemFile;
            if (Files.isRegularFile(main)) {
                files.add(main);
            }
            files.addAll(dropIns(systemDropIns));
        }
        files.addAll(dropIns(userDropIns));
        return files;
    }

    private static List<Path> dropIns(Path dir) {
        if (dir == null || !Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(p -> p.getFileName().toString().endsWith(".conf") && Files.isRegularFile(p))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /**
     * The top-level {@code credential-helpers} array of a TOML text, if the text sets it. Tables start
     * at the first {@code [header]} line, after which no key is top-level any more.
     */
    static Optional<List<String>> credentialHelpersIn(String toml, Path file) throws ImageException {
        Scanner s = new Scanner(toml, file);
        while (s.skipBlankAndComments()) {
            if (s.peek() == '[') {
                return Optional.empty(); // the first table: the top level is over
            }
            String key = s.key();
            s.skipSpaces();
            s.expect('=', "'=' after " + key);
            s.skipSpaces();
            if (!key.equals(KEY)) {
                s.skipValue();
                continue;
            }
            return Optional.of(s.stringArray());
        }
        return Optional.empty();
    }

    /** Just enough of TOML to find one top-level key and skip every other value, strings and arrays included. */
    private static final class Scanner {
        private final String text;
        private final Path file;
        private int at;

        Scanner(String text, Path file) {
            this.text = text;
            this.file = file;
        }

        char peek() {
            return text.charAt(at);
        }

        /** Skips whitespace, newlines and comments; false at the end of the text. */
        boolean skipBlankAndComments() {
            while (at < text.length()) {
                char c = text.charAt(at);
                if (c == '#') {
                    while (at < text.length() && text.charAt(at) != '\n') {
                        at++;
                    }
                } else if (Character.isWhitespace(c)) {
                    at++;
                } else {
                    return true;
                }
            }
            return false;
        }

        void skipSpaces() {
            while (at < text.length() && (text.charAt(at) == ' ' || text.charAt(at) == '\t')) {
                at++;
            }
        }

        void expect(char c, String what) throws ImageException {
            if (at >= text.length() || text.charAt(at) != c) {
                throw error("expected " + what);
            }
            at++;
        }

        /** A bare or quoted key; dotted keys come back whole, so they never equal {@link #KEY}. */
        String key() throws ImageException {
            int start = at;
            while (at < text.length() && text.charAt(at) != '=' && text.charAt(at) != '\n') {
                char c = text.charAt(at);
                if (c == '"' || c == '\'') {
                    string();
                } else {
                    at++;
                }
            }
            String key = text.substring(start, at).strip();
            if (key.isEmpty()) {
                throw error("expected a key");
            }
            return key.length() > 1
                            && (key.startsWith("\"") && key.endsWith("\"") || key.startsWith("'") && key.endsWith("'"))
                    ? key.substring(1, key.length() - 1)
                    : key;
        }

        /** Skips a value to the end of its line, over strings and (multi-line) arrays and inline tables. */
        void skipValue() throws ImageException {
            int depth = 0;
            while (at < text.length()) {
                char c = text.charAt(at);
                if (c == '"' || c == '\'') {
                    string();
                } else if (c == '[' || c == '{') {
                    depth++;
                    at++;
                } else if (c == ']' || c == '}') {
                    depth--;
                    at++;
                } else if (c == '#') {
                    while (at < text.length() && text.charAt(at) != '\n') {
                        at++;
                    }
                } else if (c == '\n' && depth <= 0) {
                    return;
                } else {
                    at++;
                }
            }
        }

        List<String> stringArray() throws ImageException {
            if (at >= text.length() || text.charAt(at) != '[') {
                throw error(KEY + " must be an array of strings");
            }
            at++;
            List<String> values = new ArrayList<>();
            while (true) {
                if (!skipBlankAndComments()) {
                    throw error("unterminated " + KEY + " array");
                }
                char c = text.charAt(at);
                if (c == ']') {
                    at++;
                    return List.copyOf(values);
                }
                if (c != '"' && c != '\'') {
                    throw error(KEY + " must be an array of strings");
                }
                String value = string();
                if (value.isBlank()) {
                    throw error(KEY + " has an empty entry");
                }
                values.add(value);
                if (!skipBlankAndComments()) {
                    throw error("unterminated " + KEY + " array");
                }
                if (text.charAt(at) == ',') {
                    at++;
                } else if (text.charAt(at) != ']') {
                    throw error("expected ',' or ']' in " + KEY);
                }
            }
        }

        /**
         * A basic ("...", with escapes) or literal ('...') string; returns its value. A multi-line one
         * comes back as written, escapes and all: only other keys' values are ever multi-line.
         */
        String string() throws ImageException {
            char quote = text.charAt(at);
            String triple = String.valueOf(quote).repeat(3);
            if (text.startsWith(triple, at)) {
                int end = text.indexOf(triple, at + 3);
                if (end < 0) {
                    throw error("unterminated multi-line string");
                }
                String raw = text.substring(at + 3, end);
                at = end + 3;
                return raw;
            }
            at++;
            StringBuilder value = new StringBuilder();
            while (at < text.length()) {
                char c = text.charAt(at++);
                if (c == quote) {
                    return value.toString();
                }
                if (c == '\n') {
                    break;
                }
                if (c == '\\' && quote == '"' && at < text.length()) {
                    char escaped = text.charAt(at++);
                    switch (escaped) {
                        case '"', '\\' -> value.append(escaped);
                        case 'n' -> value.append('\n');
                        case 't' -> value.append('\t');
                        default -> throw error("unsupported escape \\" + escaped);
                    }
                } else {
                    value.append(c);
                }
            }
            throw error("unterminated string");
        }

        private ImageException error(String message) {
            int line = 1;
            for (int i = 0; i < Math.min(at, text.length()); i++) {
                if (text.charAt(i) == '\n') {
                    line++;
                }
            }
            return new ImageException(file + " line " + line + ": " + message);
        }
    }
}
