package dev.amber.operator.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The TLS trust for talking to agents: the CA that signed their serving certificate (the Helm chart's
 * Secret or cert-manager's), and nothing else, so that only an agent can answer as one.
 *
 * <p>Agents are reached at their pod IPs, which no certificate can name in advance, so the server's
 * name is checked against the one name every agent certificate carries ({@code agentName}, a DNS
 * subject alternative name) instead of the address: the chain must lead to the CA, and the leaf must
 * name the agent. The JDK's own check of the address is what this replaces, and only for this client.
 */
public final class AgentTrust {
    private AgentTrust() {}

    /**
     * @param caFile PEM, one or more certificates
     * @param agentName the DNS name in every agent's serving certificate
     */
    public static SSLContext fromPem(Path caFile, String agentName) throws IOException {
        try (InputStream in = Files.newInputStream(caFile)) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate certificate :
                    CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("agent-ca-" + i++, certificate);
            }
            if (i == 0) {
                throw new IOException(caFile + " holds no certificate");
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            X509TrustManager ca = Arrays.stream(trust.getTrustManagers())
                    .filter(X509TrustManager.class::isInstance)
                    .map(X509TrustManager.class::cast)
                    .findFirst()
                    .orElseThrow(() -> new IOException("no X.509 trust manager for " + caFile));
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new NamedAgent(ca, agentName)}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read the agents' CA from " + caFile + ": " + e.getMessage(), e);
        }
    }

    /** Trusts a server whose chain leads to the CA and whose certificate names the agent. */
    private static final class NamedAgent extends X509ExtendedTrustManager {
        private static final int DNS_NAME = 2;

        private final X509TrustManager ca;
        private final String agentName;

        NamedAgent(X509TrustManager ca, String agentName) {
            this.ca = ca;
            this.agentName = agentName;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            ca.checkServerTrusted(chain, authType);
            if (!names(chain[0]).contains(agentName)) {
                throw new CertificateException("the server's certificate does not name " + agentName + " (it names "
                        + names(chain[0]) + "): not an amber agent");
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            checkServerTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            checkServerTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("the operator accepts no clients");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return ca.getAcceptedIssuers();
        }

        private static List<String> names(X509Certificate certificate) throws CertificateParsingException {
            if (certificate.getSubjectAlternativeNames() == null) {
                return List.of();
            }
            return certificate.getSubjectAlternativeNames().stream()
                    .filter(n -> (Integer) n.get(0) == DNS_NAME)
                    .map(n -> (String) n.get(1))
                    .toList();
        }
    }
}
