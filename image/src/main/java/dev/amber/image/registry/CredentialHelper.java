package dev.amber.image.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amber.image.ImageException;
import dev.amber.image.oci.Json;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A Docker credential helper, {@code docker-credential-NAME} on {@code PATH}, spoken to as Docker and
 * Podman do: {@code docker-credential-NAME get} with the server address on stdin, answering
 * {@code {"ServerURL":..,"Username":..,"Secret":..}} on stdout. A user name of {@code <token>} means the
 * secret is an identity token. A helper that exits non-zero printing "credentials not found in native
 * keychain" has nothing for that server, which is not an error.
 *
 * @param name the helper's suffix, as credHelpers and credsStore name it ("ecr-login", "gcloud")
 * @param configuredBy where the helper was named, for messages ("credHelpers in /root/.docker/config.json")
 */
public record CredentialHelper(String name, String configuredBy) {
    static final String NOT_FOUND = "credentials not found in native keychain";
    static final String TOKEN_USERNAME = "<token>";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    public String program() {
        return "docker-credential-" + name;
    }

    /** The helper's credentials for {@code serverAddress}, or empty when it has none. */
    public Optional<Credentials> get(String serverAddress, Map<String, String> env) throws ImageException {
        return get(serverAddress, env, TIMEOUT);
    }

    Optional<Credentials> get(String serverAddress, Map<String, String> env, Duration timeout) throws ImageException {
        Path executable = find(env.get("PATH"));
        Process process;
        try {
            ProcessBuilder builder = new ProcessBuilder(executable.toString(), "get");
            builder.environment().clear();
            builder.environment().putAll(env);
            process = builder.start();
        } catch (IOException e) {
            throw new ImageException(describe() + " cannot be started: " + e.getMessage(), e);
        }
        CompletableFuture<byte[]> stderr = drain(process.getErrorStream());
        // Read on other threads: a helper that hangs (waiting for a login, say) must still time out.
        CompletableFuture<byte[]> answerBytes = drain(process.getInputStream());
        byte[] stdout;
        try {
            try (OutputStream in = process.getOutputStream()) {
                in.write(serverAddress.getBytes(StandardCharsets.UTF_8));
            } catch (IOException helperClosedStdin) {
                // a helper that does not read its input still answers; its exit status tells
            }
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new ImageException(describe() + " did not answer within " + timeout.toSeconds() + " s");
            }
            stdout = answerBytes.get(5, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            process.destroyForcibly();
            throw new ImageException(describe() + " failed: its answer could not be read", e);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new ImageException(describe() + " interrupted");
        }
        String out = new String(stdout, StandardCharsets.UTF_8).strip();
        if (process.exitValue() != 0) {
            if (out.equals(NOT_FOUND)) {
                return Optional.empty();
            }
            String err = new String(finished(stderr), StandardCharsets.UTF_8).strip();
            String said = firstLine(out.isEmpty() ? err : out);
            throw new ImageException(describe() + " failed for " + serverAddress + " (exit " + process.exitValue() + ")"
                    + (said.isEmpty() ? "" : ": " + said));
        }
        JsonNode answer = Json.parse(stdout, "answer of " + program());
        String username = answer.path("Username").asText("");
        String secret = answer.path("Secret").asText("");
        if (secret.isEmpty()) {
            throw new ImageException(describe() + " answered for " + serverAddress + " without a Secret");
        }
        String source = "credential helper " + program();
        return Optional.of(
                username.equals(TOKEN_USERNAME)
                        ? Credentials.identityToken(secret, source)
                        : Credentials.basic(username, secret, source));
    }

    private Path find(String path) throws ImageException {
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                Path candidate = Path.of(dir.isEmpty() ? "." : dir, program());
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        throw new ImageException(describe() + " is not on PATH; install it or remove it from the auth file");
    }

    private String describe() {
        return "credential helper " + program() + " (" + configuredBy + ")";
    }

    private static String firstLine(String text) {
        int newline = text.indexOf('\n');
        return (newline < 0 ? text : text.substring(0, newline)).strip();
    }

    /** The first 1 MiB of a stream, draining the rest so that a talkative helper never blocks on a full pipe. */
    private static byte[] readAll(InputStream in) throws IOException {
        try (in) {
            byte[] head = in.readNBytes(1 << 20);
            in.transferTo(OutputStream.nullOutputStream());
            return head;
        }
    }

    private static CompletableFuture<byte[]> drain(InputStream stream) {
        return CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return readAll(stream);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                },
                task -> Thread.ofPlatform()
                        .daemon()
                        .name("credential-helper-output")
                        .start(task));
    }

    /** What the helper wrote to stderr; nothing when it cannot be read (the exit status alone is reported). */
    private static byte[] finished(CompletableFuture<byte[]> stderr) {
        try {
            return stderr.get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new byte[0];
        } catch (ExecutionException | TimeoutException unreadable) {
            return new byte[0];
        }
    }
}
