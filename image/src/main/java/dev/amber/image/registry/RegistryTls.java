package dev.amber.image.registry;

import dev.amber.image.ImageException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Per-registry certificate authorities, where Podman and Docker keep them:
 * {@code /etc/containers/certs.d/HOST[:PORT]/*.crt} and {@code /etc/docker/certs.d/HOST[:PORT]/*.crt}.
 * A registry whose directory holds CA certificates is trusted by those as well as by the JVM's own
 * trust store; other registries use the JVM's alone.
 */
public final class RegistryTls {
    public static final List<Path> STANDARD_DIRS = List.of(Path.of("/etc/containers/certs.d"), Path.of("/etc/docker/certs.d"));

    private RegistryTls() {}

    /** An SSL context trusting the registry's extra CAs, or null when it has none. */
    public static SSLContext contextFor(String registry, List<Path> certsDirs) throws ImageException {
        List<X509Certificate> cas = new ArrayList<>();
        for (Path dir : certsDirs) {
            Path hostDir = dir.resolve(registry);
            if (!Files.isDirectory(hostDir)) {
                continue;
            }
            try (DirectoryStream<Path> files = Files.newDirectoryStream(hostDir, "*.crt")) {
                for (Path file : files) {
                    cas.addAll(read(file));
                }
            } catch (IOException e) {
                throw new ImageException("cannot read " + hostDir + ": " + e.getMessage(), e);
            }
        }
        if (cas.isEmpty()) {
            return null;
        }
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            for (int i = 0; i < cas.size(); i++) {
                store.setCertificateEntry("registry-ca-" + i, cas.get(i));
            }
            X509TrustManager extra = trustManager(store);
            X509TrustManager system = trustManager(null);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new EitherTrustManager(extra, system)}, null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new ImageException("cannot set up TLS for registry " + registry + ": " + e.getMessage(), e);
        }
    }

    private static List<X509Certificate> read(Path file) throws ImageException {
        try (InputStream in = Files.newInputStream(file)) {
            List<X509Certificate> out = new ArrayList<>();
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                out.add((X509Certificate) c);
            }
            return out;
        } catch (IOException | CertificateException e) {
            throw new ImageException(file + " is not a PEM certificate file: " + e.getMessage(), e);
        }
    }

    private static X509TrustManager trustManager(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        for (TrustManager tm : factory.getTrustManagers()) {
            if (tm instanceof X509TrustManager x509) {
                return x509;
            }
        }
        throw new GeneralSecurityException("no X.509 trust manager");
    }

    /** Trusts a server that either the registry's own CAs or the JVM's trust store vouch for. */
    private record EitherTrustManager(X509TrustManager first, X509TrustManager second) implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a registry client does not accept client connections");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            try {
                first.checkServerTrusted(chain, authType);
            } catch (CertificateException notOurs) {
                second.checkServerTrusted(chain, authType);
            }
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            X509Certificate[] a = first.getAcceptedIssuers();
            X509Certificate[] b = second.getAcceptedIssuers();
            X509Certificate[] all = java.util.Arrays.copyOf(a, a.length + b.length);
            System.arraycopy(b, 0, all, a.length, b.length);
            return all;
        }
    }
}
