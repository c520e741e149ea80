package dev.amber.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's TLS follows its files as cert-manager renews them and the kubelet swaps the Secret's mounted
 * directory: real certificates made by openssl, served by a real HTTPS server, read back by a real handshake.
 */
class ReloadingKeyManagerTest {
    @TempDir
    Path dir;

    private HttpsServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void aRenewedCertificateIsServedWithoutARestartAndABrokenOneIsNot() throws Exception {
        // As a Secret volume is laid out: tls.crt -> ..data/tls.crt, and ..data a symlink swapped whole.
        Path first = certificate("first");
        Path second = certificate("second");
        Path mount = dir.resolve("mount");
        Files.createDirectories(mount);
        Files.createSymbolicLink(mount.resolve("..data"), first);
        Files.createSymbolicLink(mount.resolve("tls.crt"), Path.of("..data/tls.crt"));
        Files.createSymbolicLink(mount.resolve("tls.key"), Path.of("..data/tls.key"));
        serve(PemTls.serverContext(
                mount.resolve("tls.crt"), mount.resolve("tls.key"), Duration.ZERO, Clock.systemUTC()));

        assertThat(servedName()).isEqualTo("CN=first");

        swap(mount, second);
        assertThat(servedName()).isEqualTo("CN=second");

        // A renewal whose key does not fit its certificate is not taken: the agent serves on with the last good one.
        Path broken = certificate("broken");
        Files.copy(first.resolve("tls.key"), broken.resolve("tls.key"), StandardCopyOption.REPLACE_EXISTING);
        swap(mount, broken);
        assertThat(servedName()).isEqualTo("CN=second");
    }

    @Test
    void theFilesAreLookedAtOncePerInterval() throws Exception {
        Path first = certificate("first");
        Path second = certificate("second");
        Path crt = dir.resolve("tls.crt");
        Path key = dir.resolve("tls.key");
        Files.copy(first.resolve("tls.crt"), crt);
        Files.copy(first.resolve("tls.key"), key);
        serve(PemTls.serverContext(crt, key, Duration.ofHours(1), Clock.systemUTC()));
        Files.copy(second.resolve("tls.crt"), crt, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(second.resolve("tls.key"), key, StandardCopyOption.REPLACE_EXISTING);

        assertThat(servedName()).as("not looked at again within the hour").isEqualTo("CN=first");
    }

    private void swap(Path mount, Path target) throws IOException {
        Path next = mount.resolve("..data_tmp");
        Files.createSymbolicLink(next, target);
        Files.move(next, mount.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private void serve(SSLContext tls) throws IOException {
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
    }

    /** The subject of the certificate the server presents to a new connection. */
    private String servedName() throws Exception {
        SSLContext client = SSLContext.getInstance("TLS");
        client.init(null, new TrustManager[] {new TrustAll()}, null);
        try (SSLSocket socket = (SSLSocket) client.getSocketFactory()
                .createSocket("127.0.0.1", server.getAddress().getPort())) {
            socket.startHandshake();
            X509Certificate leaf = (X509Certificate) socket.getSession().getPeerCertificates()[0];
            return leaf.getSubjectX500Principal().getName();
        }
    }

    /** A directory with tls.crt and a PKCS#8 tls.key: a self-signed Ed25519 certificate for CN=name. */
    private Path certificate(String name) throws Exception {
        Path out = Files.createDirectories(dir.resolve(name));
        Process openssl = new ProcessBuilder(List.of(
                        "openssl",
                        "req",
                        "-x509",
                        "-newkey",
                        "ed25519",
                        "-nodes",
                        "-subj",
                        "/CN=" + name,
                        "-days",
                        "1",
                        "-keyout",
                        out.resolve("tls.key").toString(),
                        "-out",
                        out.resolve("tls.crt").toString()))
                .redirectErrorStream(true)
                .start();
        String output = new String(openssl.getInputStream().readAllBytes());
        assertThat(openssl.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(openssl.exitValue()).as(output).isZero();
        return out;
    }

    /** The test reads what is served; whom to trust is AgentTrust's concern, tested elsewhere. */
    private static final class TrustAll implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
