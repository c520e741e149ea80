package dev.amber.agent.kubelet;

import java.nio.file.Path;

/**
 * How the agent reaches its own node's kubelet to take checkpoints.
 *
 * <p>Directly ({@code https://INTERNAL_IP:PORT} from the Node object, with the pod's service-account token, RBAC
 * {@code create} on {@code nodes/checkpoint}) is the default: the request never leaves the node. A kubelet's
 * serving certificate is often self-signed (kubeadm's are, unless {@code serverTLSBootstrap} is set), so it cannot
 * be verified against the cluster CA; {@code insecureTls} is for such clusters, as metrics-server's
 * {@code --kubelet-insecure-tls}. Through the API server's node proxy ({@code create} on {@code nodes/proxy}) the
 * API server checks the kubelet's certificate with its own trust and the agent needs none.
 *
 * @param viaApiServer through the API server's node proxy instead of directly
 * @param insecureTls directly, without verifying the kubelet's serving certificate
 * @param caFile directly, verifying against this CA; null for the service account's CA
 */
public record KubeletAccess(boolean viaApiServer, boolean insecureTls, Path caFile) {
    /** Directly, verifying the kubelet's certificate against the service account's CA. */
    public static final KubeletAccess DEFAULT = new KubeletAccess(false, false, null);

    public KubeletAccess {
        if (viaApiServer && (insecureTls || caFile != null)) {
            throw new IllegalArgumentException(
                    "through the API server the agent does not see the kubelet's certificate: "
                            + "no CA or insecure TLS to choose");
        }
        if (insecureTls && caFile != null) {
            throw new IllegalArgumentException("a kubelet CA and insecure TLS exclude each other");
        }
    }
}
