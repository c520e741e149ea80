package dev.amber.nodestate;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Taint;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether a Node is going away, from the Node object alone. A pure function: every signal any
 * common tool leaves on the Node, checked in order of certainty.
 *
 * <p>Cordoned counts as shutting down because the wrapper only asks when its pod got SIGTERM: a
 * SIGTERM on a cordoned node is what {@code kubectl drain} (and every tool built on it) sends.
 */
public final class ShutdownRules {

    /** A taint key and who sets it. */
    private record TaintSignal(String key, boolean prefix, String meaning) {
        boolean matches(Taint t) {
            return prefix ? t.getKey().startsWith(key) : t.getKey().equals(key);
        }
    }

    /** The kubelet's graceful node shutdown sets Ready=False with this message. */
    static final String KUBELET_SHUTDOWN_MESSAGE = "node is shutting down";

    private static final List<TaintSignal> TAINTS = List.of(
            new TaintSignal("ToBeDeletedByClusterAutoscaler", false, "cluster-autoscaler is removing the node"),
            new TaintSignal("karpenter.sh/disrupted", false, "Karpenter is disrupting the node"),
            // Karpenter before v1 (v1beta1 APIs): karpenter.sh/disruption=disrupting.
            new TaintSignal("karpenter.sh/disruption", false, "Karpenter is disrupting the node"),
            new TaintSignal("aws-node-termination-handler/spot-itn", false, "AWS spot interruption notice"),
            new TaintSignal(
                    "aws-node-termination-handler/asg-lifecycle-termination",
                    false,
                    "AWS Auto Scaling group is terminating the instance"),
            new TaintSignal("aws-node-termination-handler/scheduled-maintenance", false, "AWS scheduled maintenance"),
            new TaintSignal(
                    "aws-node-termination-handler/rebalance-recommendation",
                    false,
                    "AWS spot rebalance recommendation"),
            new TaintSignal(
                    "cloud.google.com/impending-node-termination",
                    false,
                    "GCP node termination handler: impending termination"),
            new TaintSignal(
                    "aks-node-termination-handler/", true, "Azure scheduled event (AKS node termination handler)"),
            new TaintSignal("node.kubernetes.io/out-of-service", false, "the node is marked out of service"));

    private ShutdownRules() {}

    public static NodeState evaluate(Node node) {
        String name = node.getMetadata().getName();
        if (node.getMetadata().getDeletionTimestamp() != null) {
            return NodeState.shuttingDown(name, "the Node is being deleted");
        }
        Optional<NodeCondition> ready = condition(node, "Ready");
        if (ready.isPresent()
                && "False".equals(ready.get().getStatus())
                && ready.get().getMessage() != null
                && ready.get().getMessage().toLowerCase(Locale.ROOT).contains(KUBELET_SHUTDOWN_MESSAGE)) {
            return NodeState.shuttingDown(
                    name, "kubelet graceful node shutdown: " + ready.get().getMessage());
        }
        List<Taint> taints = node.getSpec() == null || node.getSpec().getTaints() == null
                ? List.of()
                : node.getSpec().getTaints();
        for (TaintSignal signal : TAINTS) {
            for (Taint taint : taints) {
                if (taint.getKey() != null && signal.matches(taint)) {
                    return NodeState.shuttingDown(name, signal.meaning() + " (taint " + taint.getKey() + ")");
                }
            }
        }
        if (node.getSpec() != null && Boolean.TRUE.equals(node.getSpec().getUnschedulable())) {
            return NodeState.shuttingDown(name, "the node is cordoned, so a SIGTERM now is a drain");
        }
        return NodeState.running(name, ready.map(c -> "Ready=" + c.getStatus()).orElse("no Ready condition yet"));
    }

    private static Optional<NodeCondition> condition(Node node, String type) {
        if (node.getStatus() == null || node.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return node.getStatus().getConditions().stream()
                .filter(c -> type.equals(c.getType()))
                .findFirst();
    }
}
