package dev.amber.image.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.amber.archive.synthetic.SyntheticCheckpoint;
import dev.amber.image.CheckpointImages;
import dev.amber.image.ImageReference;
import dev.amber.image.PushOptions;
import dev.amber.image.PushResult;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS, the default: docker-registry serving HTTPS with a certificate of its own CA. The client trusts it
 * once the CA sits where Podman keeps per-registry CAs ({@code certs.d/HOST:PORT/ca.crt}), and refuses
 * it in one line otherwise.
 */
@Tag("registry")
class RegistryTlsTest {
    @TempDir
    static Path dir;

    private static Process registry;
    private static String hostPort;
    private static Path archive;

    @BeforeAll
    static void start() throws Exception {
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Path keystore = dir.resolve("server.p12");
        run(keytool, "-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=127.0.0.1",
                "-ext", "san=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", keystore.toString(),
                "-storepass", "changeit");
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(keystore)) {
            ks.load(in, "changeit".toCharArray());
        }
        Path cert = Files.writeString(dir.resolve("cert.pem"), pem("CERTIFICATE", ks.getCertificate("server").getEncoded()));
        Path key = Files.writeString(dir.resolve("key.pem"), pem("PRIVATE KEY", ks.getKey("server", "changeit".toCharArray()).getEncoded()));

        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        hostPort = "127.0.0.1:" + port;
        Path config = Files.writeString(dir.resolve("config.yml"), """
                version: 0.1
                log:
                  level: warn
                storage:
                  filesystem:
                    rootdirectory: %s
                http:
                  addr: %s
                  tls:
                    certificate: %s
                    key: %s
                """.formatted(dir.resolve("storage"), hostPort, cert, key));
        registry = new ProcessBuilder("docker-registry", "serve", config.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("registry.log").toFile()).start();
        awaitListening(port);

        Files.createDirectories(dir.resolve("certs.d").resolve(hostPort));
        Files.copy(cert, dir.resolve("certs.d").resolve(hostPort).resolve("ca.crt"));
        archive = SyntheticCheckpoint.standard(new byte[100_000]).writeTar(dir.resolve("c.tar"), SyntheticCheckpoint.Compression.NONE);
    }

    @AfterAll
    static void stop() throws Exception {
        registry.destroy();
        registry.waitFor(10, TimeUnit.SECONDS);
    }

    @Test
    void aRegistryWhoseCaIsInCertsDIsTrusted() throws Exception {
        CheckpointImages images = CheckpointImages.standard(RegistryOptions.defaults().withCertsDirs(List.of(dir.resolve("certs.d"))));
        ImageReference ref = ImageReference.parse(hostPort + "/ckpt/tls:v1");
        PushResult pushed = images.push(archive, ref, PushOptions.defaults());
        assertThat(images.inspect(ref).manifestDigest()).isEqualTo(pushed.manifestDigest());
    }

    @Test
    void anUntrustedCertificateIsRefusedInOneLine() throws Exception {
        CheckpointImages images = CheckpointImages.standard(RegistryOptions.defaults().withCertsDirs(List.of(dir.resolve("none"))));
        assertThatThrownBy(() -> images.inspect(ImageReference.parse(hostPort + "/ckpt/tls:v1")))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n")
                        .startsWith("TLS with registry " + hostPort + " failed")
                        .contains("certs.d/" + hostPort + "/ca.crt"));
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static void awaitListening(int port) throws Exception {
        for (int i = 0; i < 200; i++) {
            if (!registry.isAlive()) {
                throw new IllegalStateException("docker-registry exited: " + Files.readString(dir.resolve("registry.log")));
            }
            try (var socket = new java.net.Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("docker-registry with TLS did not start: " + Files.readString(dir.resolve("registry.log")));
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
    }
}
