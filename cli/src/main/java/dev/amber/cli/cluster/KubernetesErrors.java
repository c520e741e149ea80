package dev.amber.cli.cluster;

import io.fabric8.kubernetes.client.KubernetesClientException;

/** An API server's refusal in the words a user can act on. */
final class KubernetesErrors {
    private KubernetesErrors() {}

    static String describe(KubernetesClientException e) {
        if (e.getStatus() != null && e.getStatus().getMessage() != null) {
            String hint = switch (e.getCode()) {
                case 403 -> " (ask for RBAC on checkpoints.amber.dev in this namespace)";
                case 404 -> " (is Amber installed? kubectl get crd checkpoints.amber.dev)";
                default -> "";
            };
            return e.getStatus().getMessage() + hint;
        }
        String message =
                e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
        return "the API server cannot be reached: " + message;
    }
}
