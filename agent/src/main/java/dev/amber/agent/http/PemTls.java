package dev.amber.agent.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;

/**
 * A server TLS context from the PEM files Kubernetes secrets hold ({@code tls.crt}, PKCS#8 {@code tls.key}), which
 * follows the files as they are renewed.
 */
public final class PemTls {
    /** How often the files are looked at for a renewed certificate. */
    public static final Duration RELOAD_INTERVAL = Duration.ofSeconds(30);

    private PemTls() {}

    /** A certificate chain (leaf first) and its private key. */
    record KeyPair(X509Certificate[] chain, PrivateKey key) {}

    /**
     * A server context whose key follows the files: a renewed certificate is served from the next handshake
     * after {@link #RELOAD_INTERVAL} ({@link ReloadingKeyManager}).
     */
    public static SSLContext serverContext(Path certFile, Path keyFile) throws IOException {
        return serverContext(certFile, keyFile, RELOAD_INTERVAL, Clock.systemUTC());
    }

    static SSLContext serverContext(Path certFile, Path keyFile, Duration interval, Clock clock) throws IOException {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(new KeyManager[] {new ReloadingKeyManager(certFile, keyFile, interval, clock)}, null, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use " + certFile + " and " + keyFile + " for TLS: " + e.getMessage(), e);
        }
    }

    /** The chain and key of the PEM files; an IOException in one line when they cannot be used. */
    static KeyPair read(Path certFile, Path keyFile) throws IOException {
        try (InputStream in = Files.newInputStream(certFile)) {
            X509Certificate[] chain = CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
                    .map(X509Certificate.class::cast)
                    .toArray(X509Certificate[]::new);
            if (chain.length == 0) {
                throw new IOException(certFile + " holds no certificate");
            }
            PrivateKey key = privateKey(keyFile);
            if (!fits(key, chain[0])) {
                throw new IOException(keyFile + " is not the key " + certFile + " certifies");
            }
            return new KeyPair(chain, key);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use " + certFile + " and " + keyFile + " for TLS: " + e.getMessage(), e);
        }
    }

    /** Whether the key signs what the certificate's public key verifies: the one proof that they belong together. */
    private static boolean fits(PrivateKey key, X509Certificate certificate) throws GeneralSecurityException {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> "Ed25519";
        };
        byte[] challenge = "amber-agent key check".getBytes(StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update(challenge);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        try {
            verifier.initVerify(certificate.getPublicKey());
        } catch (InvalidKeyException e) {
            return false; // a key of another type than the certificate's
        }
        verifier.update(challenge);
        return verifier.verify(signature);
    }

    private static PrivateKey privateKey(Path keyFile) throws IOException, GeneralSecurityException {
        String pem = Files.readString(keyFile);
        if (!pem.contains("-----BEGIN PRIVATE KEY-----")) {
            throw new IOException(keyFile
                    + " is not a PKCS#8 key (BEGIN PRIVATE KEY); convert it with openssl pkcs8 -topk8 -nocrypt");
        }
        String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64));
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (InvalidKeySpecException e) {
                // try the next algorithm
            }
        }
        throw new IOException(keyFile + " holds no RSA, EC or Ed25519 key");
    }
}
