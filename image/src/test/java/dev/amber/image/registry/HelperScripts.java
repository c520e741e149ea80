package dev.amber.image.registry;

import dev.amber.image.oci.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

/**
 * Credential helpers as real executables: {@code docker-credential-NAME} shell scripts in a directory
 * the test puts on {@code PATH}, speaking Docker's protocol ({@code get}, server address on stdin,
 * JSON or "credentials not found in native keychain" on stdout). Each records the addresses it was asked
 * for in {@code NAME.asked} beside it.
 */
final class HelperScripts {
    private HelperScripts() {}

    /** A helper answering {@code answers} (server address to {user, secret}) and "not found" for anything else. */
    static Path answering(Path bin, String name, Map<String, List<String>> answers) throws IOException {
        StringBuilder cases = new StringBuilder();
        answers.forEach((server, userAndSecret) -> {
            String json = new String(
                    Json.bytes(Json.object()
                            .put("ServerURL", server)
                            .put("Username", userAndSecret.get(0))
                            .put("Secret", userAndSecret.get(1))),
                    StandardCharsets.UTF_8);
            cases.append("  ")
                    .append(quote(server))
                    .append(") printf '%s\\n' ")
                    .append(quote(json))
                    .append("; exit 0 ;;\n");
        });
        return write(bin, name, """
                case "$server" in
                %s
                esac
                echo "%s"
                exit 1
                """.formatted(cases, CredentialHelper.NOT_FOUND));
    }

    /** A helper that fails the way a broken keychain does: a message on stderr, exit 1. */
    static Path failing(Path bin, String name, String message) throws IOException {
        return write(bin, name, "echo " + quote(message) + " >&2\nexit 1\n");
    }

    /** A helper that never answers and keeps its output open, as one waiting for an interactive login. */
    static Path hanging(Path bin, String name) throws IOException {
        return write(bin, name, "exec sleep 300\n");
    }

    /** What the helper was asked for, in order. */
    static List<String> asked(Path bin, String name) throws IOException {
        Path log = bin.resolve(name + ".asked");
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    /** An environment whose PATH finds the helpers in {@code bin} (and the shell's tools). */
    static Map<String, String> env(Path bin) {
        return Map.of("PATH", bin + ":/usr/bin:/bin");
    }

    private static Path write(Path bin, String name, String body) throws IOException {
        Files.createDirectories(bin);
        Path script = bin.resolve("docker-credential-" + name);
        Files.writeString(script, """
                #!/bin/sh
                if [ "$1" != get ]; then echo "unsupported action $1" >&2; exit 2; fi
                server=$(cat)
                printf '%%s\\n' "$server" >> "$(dirname "$0")/%s.asked"
                """.formatted(name) + body);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    private static String quote(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }
}
