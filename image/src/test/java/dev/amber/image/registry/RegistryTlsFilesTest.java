package dev.amber.image.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Reading a registry's certs.d directory: key forms openssl writes, pairing rules, which directory counts. */
class RegistryTlsFilesTest {
    private static final String REGISTRY = "reg.example:5000";

    @TempDir
    Path dir;

    @BeforeEach
    void ca() throws Exception {
        Openssl.selfSigned(dir, "ca", null);
    }

    private Path hostDir(String certsD) throws Exception {
        return Files.createDirectories(dir.resolve(certsD).resolve(REGISTRY));
    }

    @ParameterizedTest
    @EnumSource(Openssl.KeyKind.class)
    void everyKeyFormOpensslWritesIsRead(Openssl.KeyKind kind) throws Exception {
        Path host = hostDir("certs.d");
        Openssl.clientCertificate(dir, "ca", "client", kind);
        Files.copy(dir.resolve("client.cert"), host.resolve("client.cert"));
        Files.copy(dir.resolve("client.key"), host.resolve("client.key"));
        assertThat(PemFiles.privateKey(host.resolve("client.key")).getAlgorithm())
                .isEqualTo(
                        switch (kind) {
                            case RSA_PKCS8, RSA_PKCS1 -> "RSA";
                            case EC_SEC1 -> "EC";
                            case ED25519 -> "EdDSA";
                        });
        RegistryTls tls = RegistryTls.forRegistry(REGISTRY, List.of(dir.resolve("certs.d")));
        assertThat(tls.context()).isNotNull();
        assertThat(tls.clientCertificates()).containsExactly(host.resolve("client.cert"));
    }

    @Test
    void aCertificateWithoutItsKeyAndAKeyWithoutItsCertificateAreErrors() throws Exception {
        Path host = hostDir("lonely-cert");
        Openssl.clientCertificate(dir, "ca", "client", Openssl.KeyKind.RSA_PKCS8);
        Files.copy(dir.resolve("client.cert"), host.resolve("client.cert"));
        assertThatThrownBy(() -> RegistryTls.forRegistry(REGISTRY, List.of(dir.resolve("lonely-cert"))))
                .hasMessage("client certificate " + host.resolve("client.cert") + " has no key client.key beside it"
                        + " (CA certificates take the extension .crt)");
        Path other = hostDir("lonely-key");
        Files.copy(dir.resolve("client.key"), other.resolve("client.key"));
        assertThatThrownBy(() -> RegistryTls.forRegistry(REGISTRY, List.of(dir.resolve("lonely-key"))))
                .hasMessage("key " + other.resolve("client.key") + " has no client certificate client.cert beside it");
    }

    @Test
    void anEncryptedKeyIsRefusedInOneLine() throws Exception {
        Path key = dir.resolve("enc.key");
        new ProcessBuilder(
                        "openssl", "genpkey", "-algorithm", "RSA", "-aes256", "-pass", "pass:x", "-out", key.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start()
                .waitFor();
        assertThatThrownBy(() -> PemFiles.privateKey(key))
                .hasMessage(key
                        + " is an encrypted key; a registry client key must be unencrypted, as for Podman and Docker");
    }

    @Test
    void theFirstCertsDirectoryWithTheRegistryWinsAsInPodman() throws Exception {
        Path first = hostDir("user-certs.d");
        Files.copy(dir.resolve("ca.pem"), first.resolve("ca.crt"));
        Path second = hostDir("etc-certs.d");
        Files.writeString(second.resolve("ca.crt"), "not a certificate");
        RegistryTls tls = RegistryTls.forRegistry(
                REGISTRY, List.of(dir.resolve("absent"), dir.resolve("user-certs.d"), dir.resolve("etc-certs.d")));
        assertThat(tls.directory()).isEqualTo(first);
        assertThat(tls.clientCertificates()).isEmpty();
        assertThat(RegistryTls.forRegistry("elsewhere.example", List.of(dir.resolve("user-certs.d")))
                        .context())
                .isNull();
    }
}
