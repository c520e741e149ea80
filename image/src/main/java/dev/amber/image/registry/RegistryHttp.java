package dev.amber.image.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amber.image.ImageException;
import dev.amber.image.ImageReference;
import dev.amber.image.oci.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLException;

/**
 * HTTP to one repository of one registry, with the distribution spec's authentication: a request that
 * gets 401 is answered by its {@code WWW-Authenticate} challenge (a bearer token fetched from the realm,
 * with the auth file's credentials if any, or Basic credentials) and sent once more. Tokens are kept per
 * scope, so a push fetches one pull-and-push token and reuses it for every chunk.
 *
 * <p>Credentials are looked up at the first challenge, not before: a registry that serves anonymously
 * never runs a credential helper. An identity token (from a helper's {@code <token>} answer or an auth
 * file's {@code identitytoken}) is traded as Docker trades it: the OAuth2 refresh-token grant, a form
 * {@code POST} to the realm with {@code grant_type=refresh_token}, {@code refresh_token}, {@code service},
 * {@code scope} and {@code client_id}; user-and-password credentials use the token service's {@code GET}
 * with Basic authentication, as Docker does when it has no refresh token.
 */
final class RegistryHttp {
    /** Docker's OAuth2 requests say {@code client_id=docker}; the spec asks each client to name itself. */
    static final String OAUTH_CLIENT_ID = "amber";

    private static final Set<String> CLIENT_CERTIFICATE_ALERTS = Set.of(
            "certificate_required",
            "bad_certificate",
            "unknown_ca",
            "certificate_unknown",
            "certificate_expired",
            "certificate_revoked",
            "unsupported_certificate",
            "access_denied");

    private final HttpClient client;
    private final ImageReference ref;
    private final URI base;
    private Optional<Credentials> credentials; // null until the first challenge asks for them
    private final AuthFiles authFiles;
    private final RegistryTls tls;
    private final Duration timeout;
    private final Map<String, String> tokensByScope = new HashMap<>();
    private String authorization;
    private boolean answered; // the registry has answered a request: TLS, client certificate included, works

    RegistryHttp(HttpClient client, ImageReference ref, RegistryOptions options, AuthFiles authFiles, RegistryTls tls) {
        this.client = client;
        this.tls = tls;
        this.ref = ref;
        this.authFiles = authFiles;
        this.timeout = options.timeout();
        String host = ref.registry().equals("docker.io") ? "registry-1.docker.io" : ref.registry();
        this.base = URI.create((options.insecure() ? "http://" : "https://") + host);
    }

    URI base() {
        return base;
    }

    String registry() {
        return ref.registry();
    }

    /** {@code /v2/<repository>/<suffix>} on this registry. */
    URI repositoryUri(String suffix) {
        return base.resolve("/v2/" + ref.repository() + "/" + suffix);
    }

    /** Resolves a {@code Location} header, which may be relative to the registry. */
    URI resolve(String location) throws ImageException {
        if (location == null || location.isBlank()) {
            throw new ImageException("registry " + registry() + " answered without a Location header");
        }
        return base.resolve(location);
    }

    HttpRequest.Builder request(URI uri) {
        return HttpRequest.newBuilder(uri).timeout(timeout);
    }

    /**
     * Sends a request, authenticating on a 401 challenge. The request's body publisher must be repeatable.
     *
     * @param action what the request does, for error messages ("push", "pull", "upload of layer")
     */
    <T> HttpResponse<T> send(HttpRequest.Builder builder, HttpResponse.BodyHandler<T> handler, String action)
            throws ImageException {
        if (authorization != null) {
            builder.setHeader("Authorization", authorization);
        }
        HttpRequest request = builder.build();
        HttpResponse<T> response = exchange(request, handler, action);
        if (response.statusCode() != 401) {
            return response;
        }
        AuthChallenge challenge = AuthChallenge.parse(
                response.headers().firstValue("WWW-Authenticate").orElse(null));
        discard(response);
        if (challenge == null) {
            throw new ImageException(
                    "registry " + registry() + " refused " + action + " (HTTP 401) without saying how to authenticate");
        }
        String previous = authorization;
        authorization = authorize(challenge, action);
        if (authorization.equals(previous)) {
            throw refused(action);
        }
        HttpResponse<T> retried =
                exchange(copy(request).setHeader("Authorization", authorization).build(), handler, action);
        if (retried.statusCode() == 401) {
            discard(retried);
            throw refused(action);
        }
        return retried;
    }

    private Optional<Credentials> credentials() throws ImageException {
        if (credentials == null) {
            credentials = authFiles.lookup(ref);
        }
        return credentials;
    }

    private String authorize(AuthChallenge challenge, String action) throws ImageException {
        if (challenge.isBasic()) {
            Credentials c = credentials().orElseThrow(() -> noCredentials(action));
            if (c.isIdentityToken()) {
                throw new ImageException("registry " + registry() + " asks for Basic authentication, which "
                        + c.describe() + " cannot answer: an identity token only buys bearer tokens");
            }
            return c.basicHeader();
        }
        if (!challenge.isBearer()) {
            throw new ImageException(
                    "registry " + registry() + " asks for unsupported authentication '" + challenge.scheme() + "'");
        }
        String scope = challenge.params().getOrDefault("scope", "");
        String token = tokensByScope.get(scope);
        // A token refused again has expired (long uploads outlive them): fetch a fresh one.
        if (token == null || ("Bearer " + token).equals(authorization)) {
            token = fetchToken(challenge, action);
            tokensByScope.put(scope, token);
        }
        return "Bearer " + token;
    }

    private String fetchToken(AuthChallenge challenge, String action) throws ImageException {
        String realm = challenge.params().get("realm");
        if (realm == null || realm.isBlank()) {
            throw new ImageException("registry " + registry() + " sent a bearer challenge without a realm");
        }
        Optional<Credentials> credentials = credentials();
        HttpRequest request;
        URI uri;
        if (credentials.isPresent() && credentials.get().isIdentityToken()) {
            uri = URI.create(realm);
            Map<String, String> form = new LinkedHashMap<>();
            form.put("grant_type", "refresh_token");
            form.put("refresh_token", credentials.get().identityToken());
            form.put("service", challenge.params().get("service"));
            form.put("scope", challenge.params().get("scope"));
            form.put("client_id", OAUTH_CLIENT_ID);
            request = request(uri)
                    .header("Accept", "application/json")
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(formEncode(form)))
                    .build();
        } else {
            Map<String, String> query = new LinkedHashMap<>();
            query.put("service", challenge.params().get("service"));
            query.put("scope", challenge.params().get("scope"));
            String encoded = formEncode(query);
            uri = URI.create(realm + (encoded.isEmpty() ? "" : (realm.contains("?") ? "&" : "?") + encoded));
            HttpRequest.Builder builder =
                    request(uri).header("Accept", "application/json").GET();
            credentials.ifPresent(c -> builder.header("Authorization", c.basicHeader()));
            request = builder.build();
        }
        HttpResponse<byte[]> response =
                exchange(request, HttpResponse.BodyHandlers.ofByteArray(), "token request for " + action);
        // OAuth2 answers a refused refresh token with 400 invalid_grant; the Basic flow with 401 or 403.
        boolean refusedGrant = response.statusCode() == 400
                && credentials.isPresent()
                && credentials.get().isIdentityToken();
        boolean refusedAnswer = response.statusCode() == 401 || response.statusCode() == 403 || refusedGrant;
        if (refusedAnswer) {
            throw credentials.isPresent() ? refused(action) : noCredentials(action);
        }
        if (response.statusCode() != 200) {
            throw new ImageException(
                    "token service " + uri.getHost() + " answered HTTP " + response.statusCode() + " for " + action);
        }
        JsonNode body = Json.parse(response.body(), "token from " + uri.getHost());
        String token = body.path("token").asText(body.path("access_token").asText(""));
        if (token.isEmpty()) {
            throw new ImageException("token service " + uri.getHost() + " returned no token for " + action);
        }
        return token;
    }

    private static String formEncode(Map<String, String> fields) {
        StringBuilder out = new StringBuilder();
        fields.forEach((name, value) -> {
            if (value != null && !value.isEmpty()) {
                out.append(out.isEmpty() ? "" : "&")
                        .append(name)
                        .append('=')
                        .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
            }
        });
        return out.toString();
    }

    private ImageException refused(String action) {
        return (credentials == null ? Optional.<Credentials>empty() : credentials)
                .<ImageException>map(c -> new ImageException("registry " + registry() + " refused " + c.describe()
                        + " for " + action + " of " + ref.repository()))
                .orElseGet(() -> noCredentials(action));
    }

    private ImageException noCredentials(String action) {
        return new ImageException(
                "registry " + registry() + " requires credentials for " + action + " of " + ref.repository()
                        + "; none found in " + authFiles.files() + " (log in with podman login, or pass --authfile)");
    }

    private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> handler, String action)
            throws ImageException {
        try {
            HttpResponse<T> response = client.send(request, handler);
            answered = true;
            return response;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ImageException(action + " interrupted");
        } catch (HttpConnectTimeoutException e) {
            throw new RegistryConnectionException(
                    "timed out connecting to registry " + registry() + " for " + action, e);
        } catch (HttpTimeoutException e) {
            throw new RegistryConnectionException("registry " + registry() + " stopped answering during " + action, e);
        } catch (ConnectException e) {
            throw new RegistryConnectionException(
                    "cannot reach registry " + registry() + " (" + base + "): connection refused", e);
        } catch (SSLException e) {
            throw tlsFailure(e);
        } catch (InterruptedIOException e) {
            throw new RegistryConnectionException("registry " + registry() + " stopped answering during " + action, e);
        } catch (IOException e) {
            if (e.getCause() instanceof ConnectException) {
                throw new RegistryConnectionException(
                        "cannot reach registry " + registry() + " (" + base + "): connection refused", e);
            }
            if (e.getCause() instanceof SSLException ssl) {
                throw tlsFailure(ssl);
            }
            // Under TLS 1.3 a registry refuses a client certificate only after the handshake, and its alert
            // often races the request we already sent: the connection just closes. Before the registry has
            // ever answered, ask once more, without a request, what it objects to.
            String alert =
                    answered || !base.getScheme().equals("https") ? null : tls.alertAfterHandshake(base, timeout);
            if (alert != null && CLIENT_CERTIFICATE_ALERTS.contains(alert)) {
                throw clientCertificateFailure(alert);
            }
            throw new RegistryConnectionException(
                    "connection to registry " + registry() + " failed during " + action
                            + (e.getMessage() == null ? "" : ": " + e.getMessage()),
                    e);
        }
    }

    /**
     * A failed TLS exchange as one line that says what to do. A registry that wants a client certificate
     * ends the handshake with the alert {@code certificate_required} (TLS 1.3) or {@code bad_certificate}
     * (TLS 1.2, also its answer to a certificate it does not accept); {@code unknown_ca} and the rest
     * mean the certificate that was offered was refused.
     */
    private ImageException tlsFailure(SSLException e) {
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        String alert = RegistryTls.receivedAlert(e);
        if (alert != null && CLIENT_CERTIFICATE_ALERTS.contains(alert)) {
            return clientCertificateFailure(alert);
        }
        return new ImageException(
                "TLS with registry " + registry() + " failed (" + message + "); trust its CA in " + certsDir()
                        + "/ca.crt, or pass --insecure for a plain-HTTP registry",
                e);
    }

    /** The alert says it all; the JDK's exception (or a closed connection) would only add noise to the line. */
    private ImageException clientCertificateFailure(String alert) {
        if (tls.clientCertificates().isEmpty()) {
            return new ImageException("registry " + registry() + " requires a TLS client certificate (TLS alert "
                    + alert + ") and none is configured; put client.cert and client.key in " + certsDir() + "/");
        }
        return new ImageException("registry " + registry() + " refused the TLS client certificate "
                + String.join(
                        ", ",
                        tls.clientCertificates().stream().map(Object::toString).toList()) + " (TLS alert " + alert
                + ")");
    }

    private String certsDir() {
        return tls.directory() != null ? tls.directory().toString() : "/etc/containers/certs.d/" + registry();
    }

    private static HttpRequest.Builder copy(HttpRequest request) {
        return HttpRequest.newBuilder(request, (name, value) -> !name.equalsIgnoreCase("Authorization"));
    }

    private static void discard(HttpResponse<?> response) {
        if (response.body() instanceof InputStream in) {
            try {
                in.close();
            } catch (IOException ignored) {
                // the connection is dropped; nothing else depends on it
            }
        }
    }

    /** A registry's error answer as one line: its error code and message when it sent the standard JSON. */
    ImageException failure(String action, HttpResponse<?> response) {
        String detail = "";
        Object body = response.body();
        byte[] bytes = body instanceof byte[] b ? b : null;
        if (body instanceof InputStream in) {
            try (in) {
                bytes = in.readNBytes(8192);
            } catch (IOException ignored) {
                bytes = null;
            }
        }
        if (bytes != null && bytes.length > 0) {
            try {
                JsonNode first = Json.MAPPER.readTree(bytes).path("errors").path(0);
                if (!first.isMissingNode()) {
                    detail = ": " + first.path("code").asText() + " "
                            + first.path("message").asText();
                }
            } catch (IOException ignored) {
                detail = "";
            }
        }
        int status = response.statusCode();
        String what = status == 403 ? "denied " : "failed ";
        return new ImageException("registry " + registry() + " " + what + action + " of " + ref.repository() + " (HTTP "
                + status + detail.stripTrailing() + ")");
    }
}
