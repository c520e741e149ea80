package dev.amber.operator.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.amber.kube.agent.AgentException;
import dev.amber.kube.agent.HttpAgentClient;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's trust in agents over real TLS: a JDK HTTPS server on 127.0.0.1 with certificates made
 * by openssl, reached by its address as agents are reached by their pod IPs. A certificate from the
 * agents' CA that names the agent is trusted although it names no address; one that does not name the
 * agent, or comes from another CA, is refused in one line.
 */
class AgentTrustTest {
    @TempDir
    Path dir;

    @Test
    void anAgentCertificateFromTheCaIsTrustedAtAnyAddress() throws Exception {
        Path ca = ca("agents");
        try (Server server = new Server(leaf(ca, "agents", "DNS:amber-agent"))) {
            HttpAgentClient client = client(server, ca);
            assertThat(client.find("an-id")).isEmpty(); // the server answers 404 to everything
        }
    }

    @Test
    void aCertificateThatDoesNotNameTheAgentIsRefused() throws Exception {
        Path ca = ca("agents");
        try (Server server = new Server(leaf(ca, "agents", "DNS:somebody-else"))) {
            assertThatThrownBy(() -> client(server, ca).find("an-id"))
                    .isInstanceOf(AgentException.class)
                    .hasMessageContaining("is unreachable")
                    .hasMessageContaining("does not name amber-agent");
        }
    }

    @Test
    void aCertificateFromAnotherCaIsRefused() throws Exception {
        Path agents = ca("agents");
        Path other = ca("other");
        try (Server server = new Server(leaf(other, "other", "DNS:amber-agent"))) {
            assertThatThrownBy(() -> client(server, agents).find("an-id"))
                    .isInstanceOf(AgentException.class)
                    .hasMessageContaining("is unreachable");
        }
    }

    private HttpAgentClient client(Server server, Path ca) throws Exception {
        SSLContext tls = AgentTrust.fromPem(dir.resolve(ca.getFileName() + ".crt"), "amber-agent");
        return new HttpAgentClient(URI.create("https://127.0.0.1:" + server.port()), "node-a", tls, () -> "token");
    }

    private Path ca(String name) throws Exception {
        openssl(
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "1",
                "-subj",
                "/CN=" + name + "-ca",
                "-keyout",
                name + ".key",
                "-out",
                name + ".crt");
        return dir.resolve(name);
    }

    /** A PKCS#12 keystore (password "x") with a leaf signed by {@code ca} whose SANs are {@code san}. */
    private Path leaf(Path ca, String caName, String san) throws Exception {
        String name = "leaf-" + caName + "-" + san.replace(':', '-');
        Files.writeString(dir.resolve(name + ".ext"), "subjectAltName=" + san + "\n", StandardCharsets.UTF_8);
        openssl(
                "req",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-subj",
                "/CN=leaf",
                "-keyout",
                name + ".key",
                "-out",
                name + ".csr");
        openssl(
                "x509",
                "-req",
                "-in",
                name + ".csr",
                "-CA",
                ca.getFileName() + ".crt",
                "-CAkey",
                ca.getFileName() + ".key",
                "-CAcreateserial",
                "-days",
                "1",
                "-extfile",
                name + ".ext",
                "-out",
                name + ".crt");
        openssl(
                "pkcs12",
                "-export",
                "-in",
                name + ".crt",
                "-inkey",
                name + ".key",
                "-passout",
                "pass:x",
                "-out",
                name + ".p12");
        return dir.resolve(name + ".p12");
    }

    private void openssl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue())
                .as("openssl %s: %s", String.join(" ", args), out)
                .isZero();
    }

    /** An HTTPS server on 127.0.0.1 that answers 404 to every request. */
    private static final class Server implements AutoCloseable {
        private final HttpsServer https;

        Server(Path keystore) throws Exception {
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keystore)) {
                store.load(in, "x".toCharArray());
            }
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, "x".toCharArray());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            https = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            https.setHttpsConfigurator(new HttpsConfigurator(context));
            https.createContext("/", ex -> {
                ex.sendResponseHeaders(404, -1);
                ex.close();
            });
            https.start();
        }

        int port() {
            return https.getAddress().getPort();
        }

        @Override
        public void close() {
            https.stop(0);
        }
    }
}
