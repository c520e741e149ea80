package dev.amber.image.registry;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * Debian's docker-registry with {@code auth: htpasswd}: it answers 401 with a {@code Basic} challenge
 * and checks the user and password against a bcrypt htpasswd file, as a small private registry does.
 */
final class HtpasswdRegistry implements AutoCloseable {
    static final String USER = "helper-user";
    static final String PASSWORD = "helper-pass-7";

    private final Path dir;
    private final Process registry;
    private final int port;

    private HtpasswdRegistry(Path dir, Process registry, int port) {
        this.dir = dir;
        this.registry = registry;
        this.port = port;
    }

    static HtpasswdRegistry start() throws Exception {
        Path dir = Files.createTempDirectory("amber-htpasswd-registry-");
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        // Cost 4, the lowest: the registry checks the hash on every request.
        Path htpasswd = Files.writeString(dir.resolve("htpasswd"),
                USER + ":" + OpenBSDBCrypt.generate("2y", PASSWORD.toCharArray(), salt, 4) + "\n");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path config = Files.writeString(dir.resolve("config.yml"), """
                version: 0.1
                log:
                  level: warn
                storage:
                  filesystem:
                    rootdirectory: %s
                http:
                  addr: 127.0.0.1:%d
                auth:
                  htpasswd:
                    realm: amber-test
                    path: %s
                """.formatted(dir.resolve("storage"), port, htpasswd));
        Process registry = new ProcessBuilder("docker-registry", "serve", config.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("registry.log").toFile()).start();
        HtpasswdRegistry started = new HtpasswdRegistry(dir, registry, port);
        started.awaitBasicChallenge();
        return started;
    }

    String hostPort() {
        return "127.0.0.1:" + port;
    }

    private void awaitBasicChallenge() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        for (int i = 0; i < 200; i++) {
            if (!registry.isAlive()) {
                throw new IllegalStateException("docker-registry exited: " + Files.readString(dir.resolve("registry.log")));
            }
            try {
                HttpResponse<Void> r = client.send(HttpRequest.newBuilder(URI.create("http://" + hostPort() + "/v2/")).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 401 && r.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic")) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("docker-registry with htpasswd did not start: "
                + new String(Files.readAllBytes(dir.resolve("registry.log")), StandardCharsets.UTF_8));
    }

    @Override
    public void close() throws Exception {
        registry.destroy();
        if (!registry.waitFor(10, TimeUnit.SECONDS)) {
            registry.destroyForcibly().waitFor();
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
