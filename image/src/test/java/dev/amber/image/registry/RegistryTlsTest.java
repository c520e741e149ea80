package dev.amber.image.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.amber.archive.synthetic.SyntheticCheckpoint;
import dev.amber.image.CheckpointImages;
import dev.amber.image.ImageReference;
import dev.amber.image.PushOptions;
import dev.amber.image.PushResult;
import dev.amber.testkit.registry.LocalRegistry;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS, the default: docker-registry serving HTTPS with a certificate of its own CA, once open and once
 * requiring a client certificate ({@code http.tls.clientcas}). The client trusts the server once its CA
 * sits where Podman keeps per-registry CAs ({@code certs.d/HOST:PORT/ca.crt}), offers the client
 * certificate kept beside it ({@code client.cert} + {@code client.key}), and says in one line what is
 * missing otherwise.
 */
@Tag("registry")
class RegistryTlsTest {
    @TempDir
    static Path dir;

    private static LocalRegistry open;
    private static LocalRegistry mutual;
    private static Path serverCert;
    private static Path archive;

    @BeforeAll
    static void start() throws Exception {
        serverCert = Openssl.selfSigned(dir, "server", "127.0.0.1");
        Openssl.selfSigned(dir, "client-ca", null);
        Openssl.selfSigned(dir, "other-ca", null);
        String tls = """
                  tls:
                    certificate: %s
                    key: %s
                """.formatted(serverCert, dir.resolve("server.key"));
        open = LocalRegistry.start(tls, "");
        mutual = LocalRegistry.start(tls + """
                    clientcas:
                      - %s
                """.formatted(dir.resolve("client-ca.pem")), "");
        archive = SyntheticCheckpoint.standard(new byte[100_000])
                .writeTar(dir.resolve("c.tar"), SyntheticCheckpoint.Compression.NONE);
    }

    @AfterAll
    static void stop() throws Exception {
        open.close();
        mutual.close();
    }

    /** A certs.d tree (its name unique to the test) with the registry's directory holding the server's CA. */
    private static Path certsD(String name, LocalRegistry registry) throws Exception {
        Path root = dir.resolve(name);
        Path hostDir = Files.createDirectories(root.resolve(registry.hostPort()));
        Files.copy(serverCert, hostDir.resolve("ca.crt"));
        return root;
    }

    /** {@code NAME.cert} signed by {@code caName}, and {@code NAME.key}, in the registry's certs.d directory. */
    private static void installClientCertificate(Path hostDir, String caName, String name, Openssl.KeyKind kind)
            throws Exception {
        Openssl.clientCertificate(dir, caName, name, kind);
        Files.copy(dir.resolve(name + ".cert"), hostDir.resolve(name + ".cert"));
        Files.copy(dir.resolve(name + ".key"), hostDir.resolve(name + ".key"));
    }

    private static CheckpointImages images(Path certsD) {
        return CheckpointImages.standard(RegistryOptions.defaults().withCertsDirs(List.of(certsD)));
    }

    @Test
    void aRegistryWhoseCaIsInCertsDIsTrusted() throws Exception {
        CheckpointImages images = images(certsD("certs-open", open));
        ImageReference ref = ImageReference.parse(open.hostPort() + "/ckpt/tls:v1");
        PushResult pushed = images.push(archive, ref, PushOptions.defaults());
        assertThat(images.inspect(ref).manifestDigest()).isEqualTo(pushed.manifestDigest());
    }

    @Test
    void anUntrustedCertificateIsRefusedInOneLine() throws Exception {
        CheckpointImages images = images(dir.resolve("none"));
        assertThatThrownBy(() -> images.inspect(ImageReference.parse(open.hostPort() + "/ckpt/tls:v1")))
                .satisfies(e -> assertThat(e.getMessage())
                        .doesNotContain("\n")
                        .startsWith("TLS with registry " + open.hostPort() + " failed")
                        .contains("certs.d/" + open.hostPort() + "/ca.crt"));
    }

    @Test
    void theClientCertificateInCertsDOpensARegistryThatRequiresOne() throws Exception {
        Path certsD = certsD("certs-client", mutual);
        // An EC key in SEC1 form, as `openssl ecparam -genkey` writes it: the JDK cannot read it unwrapped.
        installClientCertificate(certsD.resolve(mutual.hostPort()), "client-ca", "client", Openssl.KeyKind.EC_SEC1);
        CheckpointImages images = images(certsD);
        ImageReference ref = ImageReference.parse(mutual.hostPort() + "/ckpt/mtls:v1");

        PushResult pushed = images.push(archive, ref, PushOptions.defaults());

        assertThat(images.inspect(ref).manifestDigest()).isEqualTo(pushed.manifestDigest());
    }

    @Test
    void withoutAClientCertificateTheRefusalSaysOneIsRequired() throws Exception {
        Path certsD = certsD("certs-no-client", mutual);
        String expected = "registry " + mutual.hostPort().replace(".", "\\.") + " requires a TLS client certificate"
                + " \\(TLS alert [a-z_]+\\) and none is configured; put client.cert and client.key in "
                + certsD.resolve(mutual.hostPort()).toString().replace(".", "\\.") + "/";
        ImageReference ref = ImageReference.parse(mutual.hostPort() + "/ckpt/mtls-none:v1");
        // Under TLS 1.3 the refusal comes after the handshake and may race the first request: a push starts
        // with a HEAD, an inspect with a GET; both must say what is wrong.
        assertThatThrownBy(() -> images(certsD).push(archive, ref, PushOptions.defaults()))
                .hasMessageMatching(expected);
        assertThatThrownBy(() -> images(certsD).inspect(ref)).hasMessageMatching(expected);
    }

    @Test
    void theProbeAfterAHandshakeReadsTheRefusalThatARacingRequestCanMiss() throws Exception {
        // The HTTP client sometimes sees only a closed connection (its request raced the server's alert);
        // the probe then connects again, sends nothing, and reads the alert.
        URI base = URI.create("https://" + mutual.hostPort());
        RegistryTls caOnly = RegistryTls.forRegistry(mutual.hostPort(), List.of(certsD("certs-probe", mutual)));
        assertThat(caOnly.alertAfterHandshake(base, Duration.ofSeconds(5)))
                .isIn("bad_certificate", "certificate_required");

        Path withClient = certsD("certs-probe-client", mutual);
        installClientCertificate(
                withClient.resolve(mutual.hostPort()), "client-ca", "probe", Openssl.KeyKind.RSA_PKCS1);
        RegistryTls accepted = RegistryTls.forRegistry(mutual.hostPort(), List.of(withClient));
        assertThat(accepted.alertAfterHandshake(base, Duration.ofSeconds(5))).isNull();
    }

    @Test
    void aClientCertificateFromAnotherCaIsRefusedNamingIt() throws Exception {
        Path certsD = certsD("certs-wrong-client", mutual);
        Path hostDir = certsD.resolve(mutual.hostPort());
        installClientCertificate(hostDir, "other-ca", "stranger", Openssl.KeyKind.RSA_PKCS8);
        assertThatThrownBy(() -> images(certsD).inspect(ImageReference.parse(mutual.hostPort() + "/ckpt/mtls:v1")))
                .satisfies(e -> assertThat(e.getMessage())
                        .doesNotContain("\n")
                        .startsWith("registry " + mutual.hostPort() + " refused the TLS client certificate "
                                + hostDir.resolve("stranger.cert") + " (TLS alert "));
    }
}
