package dev.amber.image.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.amber.image.oci.Json;
import dev.amber.testkit.registry.LocalRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Debian's docker-registry with token authentication, as registries on the internet run it: it answers
 * 401 with a {@code Bearer realm=...,service=...,scope=...} challenge and accepts only JWTs signed by
 * the key its {@code rootcertbundle} names. The token service is a small JDK HTTP server here that
 * checks Basic credentials ({@code GET}) or a refresh token (the OAuth2 {@code POST} grant) and signs
 * tokens for the requested scope; the registry side is the real one.
 */
final class TokenAuthRegistry implements AutoCloseable {
    static final String USER = "amber";
    static final String PASSWORD = "s3cret-pass";
    /** The identity token the token service accepts in the OAuth2 refresh-token grant. */
    static final String REFRESH_TOKEN = "amber-refresh-token-1";

    private static final String SERVICE = "amber-test-registry";
    private static final String ISSUER = "amber-test-issuer";

    private final Path dir;
    private final HttpServer tokenServer;
    private final LocalRegistry registry;
    private final AtomicInteger tokensIssued = new AtomicInteger();
    private final AtomicInteger refreshGrants = new AtomicInteger();

    private TokenAuthRegistry(Path dir, HttpServer tokenServer, LocalRegistry registry) {
        this.dir = dir;
        this.tokenServer = tokenServer;
        this.registry = registry;
    }

    static TokenAuthRegistry start() throws Exception {
        Path dir = Files.createTempDirectory("amber-token-registry-");
        String keytool =
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Path keystore = dir.resolve("signer.p12");
        run(
                keytool,
                "-genkeypair",
                "-alias",
                "signer",
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-dname",
                "CN=amber-test-token",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                keystore.toString(),
                "-storepass",
                "changeit");
        run(
                keytool,
                "-exportcert",
                "-rfc",
                "-alias",
                "signer",
                "-keystore",
                keystore.toString(),
                "-storepass",
                "changeit",
                "-file",
                dir.resolve("signer.pem").toString());
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(keystore)) {
            ks.load(in, "changeit".toCharArray());
        }
        PrivateKey key = (PrivateKey) ks.getKey("signer", "changeit".toCharArray());
        Certificate cert = ks.getCertificate("signer");

        HttpServer tokens = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        TokenAuthRegistry[] self = new TokenAuthRegistry[1];
        tokens.createContext("/token", exchange -> {
            if (exchange.getRequestMethod().equals("POST")) {
                // The OAuth2 refresh-token grant, as Docker sends it with an identity token.
                String form = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                boolean valid = "refresh_token".equals(query(form, "grant_type"))
                        && REFRESH_TOKEN.equals(query(form, "refresh_token"))
                        && SERVICE.equals(query(form, "service"))
                        && query(form, "client_id") != null;
                byte[] body = (valid
                                ? "{\"access_token\":\"" + jwt(key, cert, query(form, "scope"))
                                        + "\",\"expires_in\":300}"
                                : "{\"error\":\"invalid_grant\"}")
                        .getBytes(StandardCharsets.UTF_8);
                if (valid) {
                    self[0].refreshGrants.incrementAndGet();
                }
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(valid ? 200 : 400, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
                return;
            }
            String expected = "Basic "
                    + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
            if (!expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                exchange.sendResponseHeaders(401, -1);
                exchange.close();
                return;
            }
            String scope = query(exchange.getRequestURI().getRawQuery(), "scope");
            byte[] body = ("{\"token\":\"" + jwt(key, cert, scope) + "\"}").getBytes(StandardCharsets.UTF_8);
            self[0].tokensIssued.incrementAndGet();
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        tokens.start();
        LocalRegistry registry = LocalRegistry.start(
                "", """
                auth:
                  token:
                    realm: http://127.0.0.1:%d/token
                    service: %s
                    issuer: %s
                    rootcertbundle: %s
                """.formatted(tokens.getAddress().getPort(), SERVICE, ISSUER, dir.resolve("signer.pem")));
        self[0] = new TokenAuthRegistry(dir, tokens, registry);
        return self[0];
    }

    String hostPort() {
        return registry.hostPort();
    }

    int tokensIssued() {
        return tokensIssued.get();
    }

    /** Access tokens issued for a valid refresh token (the identity-token flow). */
    int refreshGrants() {
        return refreshGrants.get();
    }

    /** An auth file (Podman's format) holding {@code password} for this registry. */
    Path authFile(String password) throws IOException {
        String auth = Base64.getEncoder().encodeToString((USER + ":" + password).getBytes(StandardCharsets.UTF_8));
        return Files.writeString(
                Files.createTempFile(dir, "auth-", ".json"),
                "{\"auths\":{\"" + hostPort() + "\":{\"auth\":\"" + auth + "\"}}}");
    }

    /** A JWT the registry accepts: RS256, {@code kid} in libtrust's format, access for the scope asked. */
    private static String jwt(PrivateKey key, Certificate cert, String scope) {
        try {
            ObjectNode header =
                    Json.object().put("typ", "JWT").put("alg", "RS256").put("kid", libtrustKeyId(cert));
            long now = Instant.now().getEpochSecond();
            ObjectNode claims = Json.object()
                    .put("iss", ISSUER)
                    .put("sub", USER)
                    .put("aud", SERVICE)
                    .put("iat", now - 10)
                    .put("nbf", now - 10)
                    .put("exp", now + 300)
                    .put("jti", Long.toString(System.nanoTime()));
            var access = claims.putArray("access");
            if (scope != null) {
                String[] parts = scope.split(":");
                var entry = access.addObject().put("type", parts[0]).put("name", parts[1]);
                var actions = entry.putArray("actions");
                Arrays.stream(parts[2].split(",")).forEach(actions::add);
            }
            Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
            String signingInput = b64.encodeToString(Json.bytes(header)) + "." + b64.encodeToString(Json.bytes(claims));
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(key);
            signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + b64.encodeToString(signature.sign());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** libtrust's key id: the first 240 bits of the SHA-256 of the DER public key, base32, in groups of four. */
    private static String libtrustKeyId(Certificate cert) throws Exception {
        byte[] hash = Arrays.copyOf(
                MessageDigest.getInstance("SHA-256").digest(cert.getPublicKey().getEncoded()), 30);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        StringBuilder base32 = new StringBuilder();
        int buffer = 0;
        int bits = 0;
        for (byte b : hash) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                base32.append(alphabet.charAt((buffer >> (bits - 5)) & 31));
                bits -= 5;
            }
        }
        StringBuilder id = new StringBuilder();
        for (int i = 0; i < base32.length(); i += 4) {
            id.append(i == 0 ? "" : ":").append(base32, i, i + 4);
        }
        return id.toString();
    }

    private static String query(String raw, String name) {
        if (raw == null) {
            return null;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(name)) {
                return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
    }

    @Override
    public void close() throws Exception {
        registry.close();
        tokenServer.stop(0);
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
