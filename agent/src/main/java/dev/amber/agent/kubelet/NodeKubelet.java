package dev.amber.agent.kubelet;

import dev.amber.errors.OneLine;
import dev.amber.kube.kubelet.DirectKubeletTransport;
import dev.amber.kube.kubelet.KubeletCheckpointClient;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.NodeDaemonEndpoints;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The agent's own node's kubelet, as a checkpoint client. Its address comes from the Node object, not from a
 * convention: the kubelet's port is whatever it reports in {@code status.daemonEndpoints} (a test cluster runs
 * several kubelets on one machine, each on its own port), and its address is the node's {@code InternalIP}, which
 * is where the node's own pods reach it. Both are read once, at start: they change only when the node is
 * re-registered, which restarts its pods.
 */
public final class NodeKubelet {
    private NodeKubelet() {}

    /**
     * @throws IOException when the node cannot be read (RBAC must grant {@code get} on {@code nodes}), says no
     *     address or port, or the token or CA file is missing; the message names the fix
     */
    public static KubeletCheckpointClient client(KubernetesClient client, String nodeName, KubeletAccess access)
            throws IOException {
        if (access.viaApiServer()) {
            return KubeletCheckpointClient.viaApiServer(client, nodeName);
        }
        URI kubelet = endpoint(node(client, nodeName));
        Path token = Path.of(Config.KUBERNETES_SERVICE_ACCOUNT_TOKEN_PATH);
        if (!Files.isReadable(token)) {
            throw new IOException("no service-account token at " + token + " to call the kubelet " + kubelet
                    + " with (run the agent in a pod, or use --kubelet-via-apiserver)");
        }
        if (access.insecureTls()) {
            return KubeletCheckpointClient.over(DirectKubeletTransport.insecure(kubelet, token));
        }
        Path ca = access.caFile() != null ? access.caFile() : Path.of(Config.KUBERNETES_SERVICE_ACCOUNT_CA_CRT_PATH);
        if (!Files.isReadable(ca)) {
            throw new IOException("no CA file at " + ca + " to verify the kubelet " + kubelet
                    + " with (give --kubelet-ca, or --kubelet-insecure-tls for self-signed kubelets)");
        }
        return KubeletCheckpointClient.direct(kubelet, token, ca);
    }

    /** {@code https://INTERNAL_IP:PORT} of the node's kubelet, as the node reports them. */
    static URI endpoint(Node node) throws IOException {
        String name = node.getMetadata() == null ? "?" : node.getMetadata().getName();
        NodeStatus status = node.getStatus();
        NodeDaemonEndpoints endpoints = status == null ? null : status.getDaemonEndpoints();
        Integer port = endpoints == null || endpoints.getKubeletEndpoint() == null
                ? null
                : endpoints.getKubeletEndpoint().getPort();
        if (port == null || port <= 0 || port > 65535) {
            throw new IOException("node " + name + " reports no kubelet port (status.daemonEndpoints.kubeletEndpoint)");
        }
        List<NodeAddress> addresses = status.getAddresses() == null ? List.of() : status.getAddresses();
        String address = addresses.stream()
                .filter(a -> "InternalIP".equals(a.getType())
                        && a.getAddress() != null
                        && !a.getAddress().isBlank())
                .map(a -> a.getAddress().strip())
                .findFirst()
                .orElseThrow(() -> new IOException("node " + name + " reports no InternalIP address"));
        String host = address.contains(":") ? "[" + address + "]" : address;
        return URI.create("https://" + host + ":" + port);
    }

    private static Node node(KubernetesClient client, String nodeName) throws IOException {
        Node node;
        try {
            node = client.nodes().withName(nodeName).get();
        } catch (KubernetesClientException e) {
            throw new IOException(
                    "cannot read node " + nodeName + " for its kubelet's address (RBAC must grant get on nodes): "
                            + OneLine.of(e),
                    e);
        }
        if (node == null) {
            throw new IOException("node " + nodeName + " does not exist (is --node-name or NODE_NAME right?)");
        }
        return node;
    }
}
