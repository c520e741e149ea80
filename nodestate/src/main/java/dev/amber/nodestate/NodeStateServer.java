package dev.amber.nodestate;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code amber node-state-server}: a Node informer feeding {@link NodeStates}, served over HTTP.
 * Stateless apart from the informer's cache, so any number of replicas can run behind one Service.
 */
public final class NodeStateServer implements AutoCloseable {
    private final SharedIndexInformer<Node> informer;
    private final NodeStateHttp http;

    private NodeStateServer(SharedIndexInformer<Node> informer, NodeStateHttp http) {
        this.informer = informer;
        this.http = http;
    }

    /** Starts watching Nodes and serving; returns at once. */
    public static NodeStateServer start(KubernetesClient client, InetSocketAddress address) {
        AtomicReference<SharedIndexInformer<Node>> informer = new AtomicReference<>();
        NodeStates states = new NodeStates(Clock.systemUTC(),
                () -> informer.get() != null && informer.get().hasSynced() && informer.get().isWatching());
        NodeStateHttp http;
        try {
            http = new NodeStateHttp(address, states);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + address + ": " + e.getMessage(), e);
        }
        SharedIndexInformer<Node> nodes = client.nodes().runnableInformer(0);
        nodes.addEventHandler(states);
        informer.set(nodes);
        nodes.start();
        http.start();
        return new NodeStateServer(nodes, http);
    }

    public int port() {
        return http.port();
    }

    @Override
    public void close() {
        http.close();
        informer.close();
    }
}
