package dev.amber.image.registry;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code docker-registry serve} on 127.0.0.1 with a free port and filesystem storage under
 * {@code dir}, configured further by the caller (TLS, client CAs, an auth section); the fixtures of
 * this package that need a registry {@code LocalRegistry} cannot be (it is plain HTTP and open) start it here.
 */
final class RegistryProcess implements AutoCloseable {
    private final Process process;
    private final Path log;
    private final int port;

    private RegistryProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /**
     * @param httpSettings lines under {@code http:} besides {@code addr}, indented by two spaces ("" for none)
     * @param topLevel further top-level sections, such as {@code auth:} ("" for none)
     */
    static RegistryProcess start(Path dir, String httpSettings, String topLevel) throws Exception {
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
                """.formatted(dir.resolve("storage"), port) + httpSettings + topLevel);
        Path log = dir.resolve("registry.log");
        Process process = new ProcessBuilder("docker-registry", "serve", config.toString()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        RegistryProcess registry = new RegistryProcess(process, log, port);
        registry.awaitListening();
        return registry;
    }

    String hostPort() {
        return "127.0.0.1:" + port;
    }

    private void awaitListening() throws Exception {
        for (int i = 0; i < 400; i++) {
            if (!process.isAlive()) {
                throw new IllegalStateException("docker-registry exited: " + Files.readString(log));
            }
            try (Socket socket = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        close();
        throw new IllegalStateException("docker-registry did not start listening: " + Files.readString(log));
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
