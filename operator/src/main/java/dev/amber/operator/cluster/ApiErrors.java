package dev.amber.operator.cluster;

import io.fabric8.kubernetes.client.KubernetesClientException;

/** How an error from the API server is to be taken. */
public final class ApiErrors {
    private ApiErrors() {}

    /**
     * Whether the API server was unavailable or asked to slow down (no answer, 429, 5xx), anywhere in the cause
     * chain: worth waiting out rather than counting against a resource's retries.
     */
    public static boolean transientFailure(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof KubernetesClientException k) {
                int code = k.getCode();
                return code == 0 || code == 429 || code >= 500;
            }
        }
        return false;
    }
}
