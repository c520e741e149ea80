package dev.amber.agent.http;

import dev.amber.errors.OneLine;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's server key, following its PEM files: cert-manager renews the certificate in the Secret, the kubelet
 * swaps the mounted files (a symlink to a new directory), and new connections get the new certificate without a
 * restart. The files are looked at, at most once per interval, when a handshake chooses its key.
 *
 * <p>Invariants: a pair that cannot be read (a half-written swap, a key that does not parse) is not taken: the
 * previous one stays in use and a warning is logged, so a bad renewal never stops the agent serving. A handshake
 * uses one pair throughout: each pair has an alias of its own, and the pair before the newest stays reachable by
 * its alias for the handshakes that chose it.
 */
final class ReloadingKeyManager extends X509ExtendedKeyManager {
    private static final Logger LOG = LoggerFactory.getLogger(ReloadingKeyManager.class);

    private final Path certificateFile;
    private final Path keyFile;
    private final Duration interval;
    private final Clock clock;
    private volatile Pair current;
    private volatile Pair previous;
    private volatile Instant checked;

    /** One certificate chain and its key, as read from the files whose state {@code stamp} names. */
    private record Pair(String alias, String stamp, X509Certificate[] chain, PrivateKey key) {}

    ReloadingKeyManager(Path certificateFile, Path keyFile, Duration interval, Clock clock) throws IOException {
        this.certificateFile = certificateFile;
        this.keyFile = keyFile;
        this.interval = interval;
        this.clock = clock;
        String stamp = stamp();
        this.current = load(0, stamp);
        this.checked = clock.instant();
    }

    /** The pair to start a handshake with: the files' newest readable one. */
    private Pair choose() {
        Instant now = clock.instant();
        if (now.isBefore(checked.plus(interval))) {
            return current;
        }
        synchronized (this) {
            checked = now;
            Pair in = current;
            try {
                String stamp = stamp();
                if (!stamp.equals(in.stamp())) {
                    Pair next = load(Integer.parseInt(in.alias().substring("agent-".length())) + 1, stamp);
                    previous = in;
                    current = next;
                    LOG.info(
                            "TLS: now serving the certificate of {} for {} (changed on disk)",
                            certificateFile,
                            next.chain()[0].getSubjectX500Principal().getName());
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("TLS: keeping the certificate in use: {}", OneLine.of(e));
            }
            return current;
        }
    }

    /** What the files are now: their real paths (the kubelet swaps a symlink), times and sizes. */
    private String stamp() throws IOException {
        StringBuilder stamp = new StringBuilder();
        for (Path file : new Path[] {certificateFile, keyFile}) {
            Path real = file.toRealPath();
            stamp.append(real)
                    .append(' ')
                    .append(Files.getLastModifiedTime(real).toMillis())
                    .append(' ')
                    .append(Files.size(real))
                    .append(';');
        }
        return stamp.toString();
    }

    private Pair load(int generation, String stamp) throws IOException {
        PemTls.KeyPair pair = PemTls.read(certificateFile, keyFile);
        return new Pair("agent-" + generation, stamp, pair.chain(), pair.key());
    }

    private Pair byAlias(String alias) {
        Pair now = current;
        if (now.alias().equals(alias)) {
            return now;
        }
        Pair before = previous;
        return before != null && before.alias().equals(alias) ? before : null;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return matches(choose(), keyType);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return matches(choose(), keyType);
    }

    /** The pair's alias when its key is of the type the handshake asks for (RSA, EC, EdDSA, Ed25519). */
    private static String matches(Pair pair, String keyType) {
        String algorithm = pair.key().getAlgorithm();
        boolean fits = keyType.equals(algorithm)
                || keyType.startsWith(algorithm + "_")
                || "EdDSA".equals(keyType) && "Ed25519".equals(algorithm)
                || "Ed25519".equals(keyType) && "EdDSA".equals(algorithm);
        return fits ? pair.alias() : null;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        String alias = matches(current, keyType);
        return alias == null ? null : new String[] {alias};
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        Pair pair = byAlias(alias);
        return pair == null ? null : pair.chain().clone();
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        Pair pair = byAlias(alias);
        return pair == null ? null : pair.key();
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }
}
