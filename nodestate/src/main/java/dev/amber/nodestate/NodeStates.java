package dev.amber.nodestate;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * The state of every Node, kept current by a Node informer. A deleted Node is remembered as
 * shutting down for a while, because its pods' SIGTERMs arrive just after the deletion.
 */
final class NodeStates implements ResourceEventHandler<Node> {
    static final Duration REMEMBER_DELETED = Duration.ofMinutes(10);

    private record Entry(NodeState state, Instant deletedAt) {}

    private final Map<String, Entry> nodes = new ConcurrentHashMap<>();
    private final Clock clock;
    private final BooleanSupplier synced;

    NodeStates(Clock clock, BooleanSupplier synced) {
        this.clock = clock;
        this.synced = synced;
    }

    @Override
    public void onAdd(Node node) {
        nodes.put(node.getMetadata().getName(), new Entry(ShutdownRules.evaluate(node), null));
    }

    @Override
    public void onUpdate(Node oldNode, Node newNode) {
        onAdd(newNode);
    }

    @Override
    public void onDelete(Node node, boolean deletedFinalStateUnknown) {
        String name = node.getMetadata().getName();
        nodes.put(name, new Entry(NodeState.shuttingDown(name, "the Node was deleted"), clock.instant()));
    }

    /** The node's state; unknown before the informer's first list and for nodes never seen. */
    NodeState lookup(String name) {
        Entry entry = nodes.get(name);
        if (entry != null
                && entry.deletedAt() != null
                && entry.deletedAt().plus(REMEMBER_DELETED).isBefore(clock.instant())) {
            nodes.remove(name, entry);
            entry = null;
        }
        if (entry != null) {
            return entry.state();
        }
        return NodeState.unknown(name, synced.getAsBoolean() ? "no such Node" : "the Node list is not loaded yet");
    }

    boolean synced() {
        return synced.getAsBoolean();
    }

    /** How many nodes are in each state, for the metrics. */
    Map<NodeState.State, Long> counts() {
        Map<NodeState.State, Long> counts = new EnumMap<>(NodeState.State.class);
        for (NodeState.State s : NodeState.State.values()) {
            counts.put(s, 0L);
        }
        nodes.values().forEach(e -> counts.merge(e.state().state(), 1L, Long::sum));
        return counts;
    }
}
