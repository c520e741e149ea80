package dev.amber.testkit.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real OCI distribution registry for tests: Debian's {@code docker-registry serve} on 127.0.0.1
 * with a free port and filesystem storage in a temporary directory, both gone after {@link #close}.
 * Plain HTTP, so clients need their "insecure"/TLS-off switch (skopeo: {@code --dest-tls-verify=false}).
 */
public final class LocalRegistry implements AutoCloseable {

    static final String BINARY = "/usr/bin/docker-registry";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final Path directory;
    private final int port;

    private LocalRegistry(Process process, Path directory, int port) {
        this.process = process;
        this.directory = directory;
        this.port = port;
    }

    /** Starts an open registry over plain HTTP and returns once it answers. */
    public static LocalRegistry start() {
        return start("", "");
    }

    /**
     * Starts a registry configured further (TLS, client CAs, an auth section) and returns once it
     * listens.
     *
     * @param httpSettings lines under {@code http:} besides {@code addr}, indented by two spaces ("" for none)
     * @param topLevel further top-level sections, such as {@code auth:} ("" for none)
     */
    public static LocalRegistry start(String httpSettings, String topLevel) {
        if (!Files.isExecutable(Path.of(BINARY))) {
            throw new IllegalStateException(
                    BINARY + " is missing: run scripts/setup-runtime (Debian package docker-registry)");
        }
        Path directory;
        try {
            directory = Files.createTempDirectory("amber-registry-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the registry's directory", e);
        }
        try {
            int port = freePort();
            Path config = directory.resolve("config.yml");
            Files.writeString(config, config(directory.resolve("storage"), port) + httpSettings + topLevel);
            Process process = new ProcessBuilder(BINARY, "serve", config.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(directory.resolve("registry.log").toFile())
                    .start();
            LocalRegistry registry = new LocalRegistry(process, directory, port);
            registry.awaitReady(httpSettings.isEmpty() && topLevel.isEmpty()); // closes the registry when it fails
            return registry;
        } catch (IOException e) {
            deleteTree(directory);
            throw new UncheckedIOException("cannot start docker-registry", e);
        }
    }

    /** {@code 127.0.0.1:PORT}, the form image references and skopeo use. */
    public String hostPort() {
        return "127.0.0.1:" + port;
    }

    /** {@code http://127.0.0.1:PORT}, the base of the distribution API. */
    public URI uri() {
        return URI.create("http://" + hostPort());
    }

    /** Where the registry keeps blobs and manifests. */
    public Path storage() {
        return directory.resolve("storage");
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        deleteTree(directory);
    }

    /**
     * Waits until the registry answers: {@code GET /v2/} with 200 when it is open over plain HTTP;
     * with TLS or auth configured that says nothing sooner, so a connection accepted while the
     * process still runs (not another process that took the port meanwhile) has to do.
     */
    private void awaitReady(boolean open) {
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest ping = HttpRequest.newBuilder(uri().resolve("/v2/"))
                .timeout(Duration.ofSeconds(2))
                .build();
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline) && !Thread.currentThread().isInterrupted()) {
            if (!process.isAlive()) {
                String log = log();
                close();
                throw new IllegalStateException("docker-registry exited with " + process.exitValue() + ": " + log);
            }
            try {
                if (open) {
                    if (client.send(ping, HttpResponse.BodyHandlers.discarding())
                                    .statusCode()
                            == 200) {
                        return;
                    }
                } else {
                    try (Socket socket = new Socket("127.0.0.1", port)) {
                        if (process.isAlive()) {
                            return;
                        }
                    }
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            sleep(Duration.ofMillis(50));
        }
        String log = log();
        close();
        throw new IllegalStateException(
                "docker-registry did not answer on " + hostPort() + " within " + START_TIMEOUT + ": " + log);
    }

    private String log() {
        try {
            return Files.readString(directory.resolve("registry.log")).strip();
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private static String config(Path storage, int port) {
        return """
                version: 0.1
                log:
                  level: warn
                storage:
                  filesystem:
                    rootdirectory: %s
                  delete:
                    enabled: true
                http:
                  addr: 127.0.0.1:%d
                """.formatted(storage, port);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a leftover under the temp directory does no harm
        }
    }
}
