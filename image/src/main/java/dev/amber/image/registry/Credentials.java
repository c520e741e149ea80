package dev.amber.image.registry;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * What an auth file or credential helper holds for one registry: a user name and password, or an
 * identity token (Docker's name for an OAuth2 refresh token), and where it came from.
 *
 * @param username the user, or null for an identity token
 * @param password the password, or null for an identity token
 * @param identityToken the refresh token to trade at the token service, or null for a user and password
 * @param source where the credentials came from, for error messages ("/root/.docker/config.json",
 *     "credential helper docker-credential-ecr-login")
 */
public record Credentials(String username, String password, String identityToken, String source) {
    public static Credentials basic(String username, String password, String source) {
        return new Credentials(username, password, null, source);
    }

    public static Credentials identityToken(String token, String source) {
        return new Credentials(null, null, token, source);
    }

    public boolean isIdentityToken() {
        return identityToken != null;
    }

    /** The Basic authorization header, or null for an identity token (which only buys bearer tokens). */
    public String basicHeader() {
        if (isIdentityToken()) {
            return null;
        }
        return "Basic "
                + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** "the credentials of 'user'" or "the identity token", for messages. */
    public String describe() {
        return (isIdentityToken() ? "the identity token" : "the credentials of '" + username + "'") + " (from " + source
                + ")";
    }

    @Override
    public String toString() {
        return "Credentials[" + (isIdentityToken() ? "identity token" : username) + " from " + source
                + "]"; // never the secret
    }
}
