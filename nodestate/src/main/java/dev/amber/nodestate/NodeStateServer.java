package dev.amber.nodestate;

import dev.amber.errors.OneLine;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code amber node-state-server}: a Node informer feeding {@link NodeStates}, served over HTTP.
 * Stateless apart from the informer's cache, so any number of replicas can run behind one Service.
 */
public final class NodeStateServer implements AutoCloseable {
    private final SharedIndexInformer<Node> informer;
    private final NodeStateHttp http;
    private final CompletionStage<Void> firstList;
    private final String apiServer;

    private NodeStateServer(
            SharedIndexInformer<Node> informer, NodeStateHttp http, CompletionStage<Void> firstList, String apiServer) {
        this.informer = informer;
        this.http = http;
        this.firstList = firstList;
        this.apiServer = apiServer;
    }

    /** Starts watching Nodes and serving; returns at once. */
    public static NodeStateServer start(KubernetesClient client, InetSocketAddress address) {
        AtomicReference<SharedIndexInformer<Node>> informer = new AtomicReference<>();
        NodeStates states = new NodeStates(
                Clock.systemUTC(),
                () -> informer.get() != null
                        && informer.get().hasSynced()
                        && informer.get().isWatching());
        NodeStateHttp http;
        try {
            http = new NodeStateHttp(address, states);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + address + ": " + e.getMessage(), e);
        }
        SharedIndexInformer<Node> nodes = client.nodes().runnableInformer(0);
        nodes.addEventHandler(states);
        informer.set(nodes);
        CompletionStage<Void> firstList = nodes.start();
        http.start();
        return new NodeStateServer(nodes, http, firstList, String.valueOf(client.getMasterUrl()));
    }

    /**
     * Waits for the first list of Nodes; until then every answer is "unknown". Fails with the
     * reason when the API server cannot be reached or refuses, so a misconfigured server stops
     * with a clear message instead of answering "unknown" forever.
     */
    public void awaitFirstList(Duration timeout) {
        try {
            firstList.toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("no Node list from " + apiServer + " within " + timeout.toSeconds() + " s");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IllegalStateException("cannot list Nodes from " + apiServer + ": " + OneLine.of(cause), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while listing Nodes");
        }
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
