package dev.amber.operator.cluster;

import dev.amber.kube.agent.AgentClient;
import dev.amber.kube.agent.AgentException;
import dev.amber.kube.agent.HttpAgentClient;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * Finds a node's agent among the agent DaemonSet's pods: the Ready pod with the agent's label on that
 * node, reached at its pod IP. Pods are listed when asked, not cached: a reconcile asks once per step,
 * and an agent pod that was replaced a moment ago must be found by its new address.
 */
public final class KubernetesNodeAgents implements NodeAgents {
    private final KubernetesClient client;
    private final String namespace;
    private final String labelSelector;
    private final int port;
    private final SSLContext tls;
    private final Supplier<String> token;
    /** One for every agent and call: a reconcile asks an agent every second while a checkpoint runs. */
    private final HttpClient http;

    /**
     * @param namespace where the agent DaemonSet runs
     * @param labelSelector selects the agent's pods, e.g. {@code app.kubernetes.io/name=amber-agent}
     * @param tls trusts the agents' serving certificate; null for plain HTTP
     */
    public KubernetesNodeAgents(
            KubernetesClient client,
            String namespace,
            String labelSelector,
            int port,
            SSLContext tls,
            Supplier<String> token) {
        this.client = client;
        this.namespace = namespace;
        this.labelSelector = labelSelector;
        this.port = port;
        this.tls = tls;
        this.token = token;
        this.http = HttpAgentClient.newHttpClient(tls);
    }

    @Override
    public AgentClient onNode(String node) throws AgentException {
        List<Pod> pods = client.pods()
                .inNamespace(namespace)
                .withLabelSelector(labelSelector)
                .withField("spec.nodeName", node)
                .list()
                .getItems();
        Pod agent = pods.stream()
                .filter(KubernetesNodeAgents::ready)
                .max(Comparator.comparing(p -> p.getMetadata().getCreationTimestamp()))
                .orElse(null);
        if (agent == null && pods.isEmpty()) {
            throw new AgentException(
                    "no amber agent on node " + node + " (pods " + labelSelector + " in namespace " + namespace
                            + "): install the agent DaemonSet, or check its node selector and tolerations",
                    404,
                    null);
        }
        if (agent == null) {
            // Starting, restarting or being replaced: worth waiting for (503, as the agent itself says when busy).
            throw new AgentException(
                    "the amber agent on node " + node + " is not Ready (pod "
                            + pods.getFirst().getMetadata().getName() + ")",
                    503,
                    null);
        }
        String scheme = tls == null ? "http" : "https";
        URI base;
        try {
            // The multi-argument constructor brackets an IPv6 address, which string concatenation would not.
            base = new URI(scheme, null, agent.getStatus().getPodIP(), port, null, null, null);
        } catch (URISyntaxException e) {
            throw new AgentException(
                    "agent pod " + agent.getMetadata().getName() + " has an unusable IP: " + e.getMessage(), 0, e);
        }
        return new HttpAgentClient(base, node, http, token);
    }

    private static boolean ready(Pod pod) {
        return pod.getMetadata().getDeletionTimestamp() == null
                && pod.getStatus() != null
                && pod.getStatus().getPodIP() != null
                && pod.getStatus().getConditions() != null
                && pod.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }
}
