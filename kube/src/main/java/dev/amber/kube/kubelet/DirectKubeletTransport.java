package dev.amber.kube.kubelet;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Straight to the local kubelet ({@code https://NODE_IP:10250}) with the pod's service-account token,
 * which the kubelet authorises as {@code create} on {@code nodes/checkpoint}. The token is read on every
 * request because the kubelet rotates projected tokens.
 */
public final class DirectKubeletTransport implements CheckpointTransport {
    private final URI kubelet;
    private final Path tokenFile;
    private final HttpClient http;

    /**
     * @param caFile CA that signed the kubelet's serving certificate; null trusts the JDK's defaults
     */
    public DirectKubeletTransport(URI kubelet, Path tokenFile, Path caFile) throws IOException {
        this(kubelet, tokenFile, caFile != null ? trusting(caFile) : null);
    }

    private DirectKubeletTransport(URI kubelet, Path tokenFile, SSLContext tls) {
        this.kubelet = kubelet;
        this.tokenFile = tokenFile;
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
        if (tls != null) {
            b.sslContext(tls);
        }
        this.http = b.build();
    }

    /**
     * Kubelets often serve a self-signed certificate for their host name only, so reaching one by IP
     * cannot be verified; like metrics-server's {@code --kubelet-insecure-tls}, this skips verification.
     * Use it only for the kubelet of the node the caller runs on (the token goes to whoever answers).
     */
    public static DirectKubeletTransport insecure(URI kubelet, Path tokenFile) throws IOException {
        return new DirectKubeletTransport(kubelet, tokenFile, trustingAnything());
    }

    private static SSLContext trustingAnything() throws IOException {
        X509ExtendedTrustManager any = new X509ExtendedTrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] c, String a) {}

            @Override
            public void checkServerTrusted(X509Certificate[] c, String a) {}

            @Override
            public void checkClientTrusted(X509Certificate[] c, String a, Socket s) {}

            @Override
            public void checkServerTrusted(X509Certificate[] c, String a, Socket s) {}

            @Override
            public void checkClientTrusted(X509Certificate[] c, String a, SSLEngine e) {}

            @Override
            public void checkServerTrusted(X509Certificate[] c, String a, SSLEngine e) {}

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {any}, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    @Override
    public Response post(String path, Duration timeout) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(kubelet.resolve(path))
                .POST(HttpRequest.BodyPublishers.noBody())
                .timeout(timeout);
        if (tokenFile != null) {
            request.header(
                    "Authorization", "Bearer " + Files.readString(tokenFile).strip());
        }
        try {
            HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    @Override
    public String describe() {
        return "kubelet " + kubelet;
    }

    private static SSLContext trusting(Path caFile) throws IOException {
        try (InputStream in = Files.newInputStream(caFile)) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int i = 0;
            for (var cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca-" + i++, (X509Certificate) cert);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use " + caFile + " as the kubelet's CA: " + e.getMessage(), e);
        }
    }
}
