package dev.amber.image.registry;

import dev.amber.image.ImageException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509TrustManager;

/**
 * A registry's TLS settings from its certs.d directory, as Podman (containers/image) and Docker keep
 * them: {@code DIR/HOST[:PORT]/} under the first of {@code ~/.config/containers/certs.d},
 * {@code /etc/containers/certs.d} and {@code /etc/docker/certs.d} that has one. In it, {@code *.crt} are
 * CA certificates, trusted besides the JVM's own; {@code NAME.cert} with {@code NAME.key} is a client
 * certificate and its key, offered when the registry asks for one. A {@code .cert} without its
 * {@code .key} (or the reverse) is an error, as it is for Podman and Docker.
 *
 * @param directory the registry's certs.d directory, or null when none exists
 * @param context the SSL context to use, or null when the directory adds nothing (the JVM's defaults serve)
 * @param clientCertificates the client certificate files offered, for messages
 */
public record RegistryTls(Path directory, SSLContext context, List<Path> clientCertificates) {
    public static final List<Path> STANDARD_DIRS = List.of(
            Path.of(System.getProperty("user.home"), ".config", "containers", "certs.d"),
            Path.of("/etc/containers/certs.d"),
            Path.of("/etc/docker/certs.d"));

    private static final int PROBE_READ_MILLIS = 3000;

    /** The JDK's words for an alert the server sent: "(bad_certificate) Received fatal alert: bad_certificate". */
    private static final Pattern RECEIVED_ALERT = Pattern.compile("Received fatal alert: ([a-z_]+)");

    public RegistryTls {
        clientCertificates = List.copyOf(clientCertificates);
    }

    /** Nothing from certs.d: plain HTTP, or a registry without a directory there. */
    public static RegistryTls none() {
        return new RegistryTls(null, null, List.of());
    }

    /** The settings for {@code registry} (its host[:port]) from the first of {@code certsDirs} that has a directory for it. */
    public static RegistryTls forRegistry(String registry, List<Path> certsDirs) throws ImageException {
        Path hostDir = certsDirs.stream()
                .map(dir -> dir.resolve(registry))
                .filter(Files::isDirectory)
                .findFirst()
                .orElse(null);
        if (hostDir == null) {
            return none();
        }
        TreeMap<String, Path> files = new TreeMap<>(); // sorted, so the first client certificate is predictable
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(hostDir)) {
            for (Path entry : entries) {
                files.put(entry.getFileName().toString(), entry);
            }
        } catch (IOException e) {
            throw new ImageException("cannot read " + hostDir + ": " + e.getMessage(), e);
        }
        List<X509Certificate> cas = new ArrayList<>();
        List<ClientCertificate> clients = new ArrayList<>();
        for (var file : files.entrySet()) {
            String name = file.getKey();
            if (name.endsWith(".crt")) {
                cas.addAll(PemFiles.certificates(file.getValue()));
            } else if (name.endsWith(".cert")) {
                String key = name.substring(0, name.length() - ".cert".length()) + ".key";
                if (!files.containsKey(key)) {
                    throw new ImageException("client certificate " + file.getValue() + " has no key " + key
                            + " beside it" + " (CA certificates take the extension .crt)");
                }
                clients.add(new ClientCertificate(
                        file.getValue(),
                        PemFiles.certificates(file.getValue()).toArray(X509Certificate[]::new),
                        PemFiles.privateKey(files.get(key))));
            } else if (name.endsWith(".key")) {
                String cert = name.substring(0, name.length() - ".key".length()) + ".cert";
                if (!files.containsKey(cert)) {
                    throw new ImageException(
                            "key " + file.getValue() + " has no client certificate " + cert + " beside it");
                }
            }
        }
        if (cas.isEmpty() && clients.isEmpty()) {
            return new RegistryTls(hostDir, null, List.of());
        }
        try {
            X509TrustManager system = trustManager(null);
            X509TrustManager trust = system;
            if (!cas.isEmpty()) {
                KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
                store.load(null, null);
                for (int i = 0; i < cas.size(); i++) {
                    store.setCertificateEntry("registry-ca-" + i, cas.get(i));
                }
                trust = new EitherTrustManager(trustManager(store), system);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(
                    clients.isEmpty() ? null : new KeyManager[] {new ClientKeyManager(clients)},
                    new TrustManager[] {trust},
                    null);
            return new RegistryTls(
                    hostDir,
                    context,
                    clients.stream().map(ClientCertificate::file).toList());
        } catch (GeneralSecurityException | IOException e) {
            throw new ImageException(
                    "cannot set up TLS for registry " + registry + " from " + hostDir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Connects to the registry once more, completes the handshake, sends nothing and reads: the alert the
     * server sends then, or null when it sends none within a few seconds (or the connection fails
     * otherwise). A TLS 1.3 server checks the client's certificate only after the client has finished its
     * side of the handshake, so a refusal arrives as an alert on the first read; sending nothing first
     * keeps the server's close from resetting the connection before the alert is read.
     */
    String alertAfterHandshake(URI base, Duration timeout) {
        int port = base.getPort() < 0 ? 443 : base.getPort();
        try {
            SSLContext ssl = context != null ? context : SSLContext.getDefault();
            try (SSLSocket socket = (SSLSocket) ssl.getSocketFactory().createSocket()) {
                socket.connect(new InetSocketAddress(base.getHost(), port), (int) timeout.toMillis());
                socket.setSoTimeout(PROBE_READ_MILLIS);
                SSLParameters parameters = socket.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                socket.setSSLParameters(parameters);
                socket.startHandshake();
                socket.getInputStream().read();
                return null;
            }
        } catch (SSLException e) {
            return receivedAlert(e);
        } catch (IOException | GeneralSecurityException e) {
            return null;
        }
    }

    /** The name of the alert the server sent, or null when the exception is not about one. */
    static String receivedAlert(SSLException e) {
        Matcher received = RECEIVED_ALERT.matcher(e.getMessage() == null ? "" : e.getMessage());
        return received.find() ? received.group(1) : null;
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

    private record ClientCertificate(Path file, X509Certificate[] chain, PrivateKey key) {
        String alias() {
            return file.getFileName().toString();
        }
    }

    /**
     * Offers the client certificates of the registry's directory. Like Go's TLS client, it prefers one
     * whose issuer the server names as acceptable; unlike it, it offers a certificate of the right key
     * type even when none matches, so the registry says why it refuses rather than that none came.
     */
    private static final class ClientKeyManager extends X509ExtendedKeyManager {
        private final List<ClientCertificate> certificates;

        ClientKeyManager(List<ClientCertificate> certificates) {
            this.certificates = certificates;
        }

        @Override
        public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
            return choose(keyTypes, issuers);
        }

        @Override
        public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
            return choose(keyTypes, issuers);
        }

        private String choose(String[] keyTypes, Principal[] issuers) {
            List<String> types = keyTypes == null ? List.of() : Arrays.asList(keyTypes);
            List<Principal> accepted = issuers == null ? List.of() : Arrays.asList(issuers);
            ClientCertificate fallback = null;
            for (ClientCertificate c : certificates) {
                if (!types.isEmpty() && !types.contains(c.key().getAlgorithm())) {
                    continue;
                }
                X509Certificate top = c.chain()[c.chain().length - 1];
                if (accepted.isEmpty()
                        || accepted.contains(top.getIssuerX500Principal())
                        || Arrays.stream(c.chain()).anyMatch(x -> accepted.contains(x.getSubjectX500Principal()))) {
                    return c.alias();
                }
                if (fallback == null) {
                    fallback = c;
                }
            }
            return fallback == null ? null : fallback.alias();
        }

        private ClientCertificate find(String alias) {
            return certificates.stream()
                    .filter(c -> c.alias().equals(alias))
                    .findFirst()
                    .orElse(null);
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            ClientCertificate c = find(alias);
            return c == null ? null : c.chain().clone();
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            ClientCertificate c = find(alias);
            return c == null ? null : c.key();
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return certificates.stream()
                    .filter(c -> c.key().getAlgorithm().equals(keyType))
                    .map(ClientCertificate::alias)
                    .toArray(String[]::new);
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return null; // a client only
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }
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
            X509Certificate[] all = Arrays.copyOf(a, a.length + b.length);
            System.arraycopy(b, 0, all, a.length, b.length);
            return all;
        }
    }
}
