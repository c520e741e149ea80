package dev.amber.agent.http;

import java.io.IOException;
import java.util.List;

/**
 * Who is calling and what they may do: the seam to the API server's TokenReview and
 * SubjectAccessReview, so the HTTP API is tested with a fake and run against the real thing.
 */
public interface AccessReviewer {
    record User(String name, String uid, List<String> groups) {}

    /** What a request wants, as Kubernetes resource attributes (group amber.dev, resource checkpointarchives). */
    record Access(String verb, String namespace, String subresource, String name) {}

    String GROUP = "amber.dev";
    String RESOURCE = "checkpointarchives";

    /**
     * Accepts no token and allows nothing. For an agent without a cluster (following a policy file): there is no API
     * server to review tokens against, and an archive holds a container's memory, so its endpoints stay closed to
     * everyone rather than open to anyone; {@code /healthz} and {@code /metrics} need no token and still answer.
     */
    AccessReviewer DENY_ALL = new AccessReviewer() {
        @Override
        public User authenticate(String bearerToken) {
            return null;
        }

        @Override
        public boolean allowed(User user, Access access) {
            return false;
        }
    };

    /** @return the user the token belongs to, or null when the token is not valid */
    User authenticate(String bearerToken) throws IOException;

    boolean allowed(User user, Access access) throws IOException;
}
