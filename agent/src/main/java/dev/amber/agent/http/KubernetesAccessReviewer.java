package dev.amber.agent.http;

import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * TokenReview and SubjectAccessReview through the API server, with a short cache (as the kubelet's
 * webhook authenticator keeps one) so that a download of many archives costs a few reviews, not one each.
 */
public final class KubernetesAccessReviewer implements AccessReviewer {
    /**
     * The audience a caller's token must be bound to. A token for the API server (a pod's default
     * service-account token) is refused, so that an agent, which runs as root on every node, never holds
     * a token that would also work against the API server: callers send a projected token with this
     * audience ({@code kubectl create token NAME --audience amber-agent}, or the operator's own).
     */
    public static final String AUDIENCE = "amber-agent";

    private static final Duration TTL = Duration.ofSeconds(10);
    private static final int MAX_ENTRIES = 1024;

    private record Cached<T>(T value, long expiresNanos) {}

    private final KubernetesClient client;
    private final Map<String, Cached<User>> users = lru();
    private final Map<String, Cached<Boolean>> decisions = lru();

    public KubernetesAccessReviewer(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public User authenticate(String token) throws IOException {
        Cached<User> hit = get(users, token);
        if (hit != null) {
            return hit.value();
        }
        try {
            TokenReview review = client.authentication()
                    .v1()
                    .tokenReviews()
                    .create(new TokenReviewBuilder()
                            .withNewSpec()
                            .withToken(token)
                            .withAudiences(AUDIENCE)
                            .endSpec()
                            .build());
            User user = null;
            if (review.getStatus() != null
                    && Boolean.TRUE.equals(review.getStatus().getAuthenticated())
                    && review.getStatus().getAudiences() != null
                    && review.getStatus().getAudiences().contains(AUDIENCE)) {
                var u = review.getStatus().getUser();
                user = new User(
                        u.getUsername(), u.getUid(), u.getGroups() == null ? List.of() : List.copyOf(u.getGroups()));
            }
            put(users, token, user);
            return user;
        } catch (KubernetesClientException e) {
            throw new IOException("TokenReview failed: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean allowed(User user, Access access) throws IOException {
        String key = user.name() + "|" + user.groups() + "|" + access;
        Cached<Boolean> hit = get(decisions, key);
        if (hit != null) {
            return hit.value();
        }
        try {
            SubjectAccessReview review = client.authorization()
                    .v1()
                    .subjectAccessReview()
                    .create(new SubjectAccessReviewBuilder()
                            .withNewSpec()
                            .withUser(user.name())
                            .withUid(user.uid())
                            .withGroups(user.groups())
                            .withNewResourceAttributes()
                            .withGroup(GROUP)
                            .withResource(RESOURCE)
                            .withVerb(access.verb())
                            .withNamespace(access.namespace())
                            .withSubresource(access.subresource())
                            .withName(access.name())
                            .endResourceAttributes()
                            .endSpec()
                            .build());
            boolean allowed = review.getStatus() != null
                    && Boolean.TRUE.equals(review.getStatus().getAllowed());
            put(decisions, key, allowed);
            return allowed;
        } catch (KubernetesClientException e) {
            throw new IOException("SubjectAccessReview failed: " + e.getMessage(), e);
        }
    }

    private static <T> Map<String, Cached<T>> lru() {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Cached<T>> eldest) {
                return size() > MAX_ENTRIES;
            }
        };
    }

    private static synchronized <T> Cached<T> get(Map<String, Cached<T>> cache, String key) {
        Cached<T> c = cache.get(key);
        return c != null && c.expiresNanos() - System.nanoTime() > 0 ? c : null;
    }

    private static synchronized <T> void put(Map<String, Cached<T>> cache, String key, T value) {
        cache.put(key, new Cached<>(value, System.nanoTime() + TTL.toNanos()));
    }
}
