package dev.amber.nodestate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * {@code GET /nodes/{name}}, {@code /healthz} and {@code /metrics} on the JDK's built-in HTTP
 * server: three read-only endpoints need no framework, and the server stays one dependency lighter.
 */
final class NodeStateHttp implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NODES = "/nodes/";

    private final HttpServer server;
    private final NodeStates states;
    private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    NodeStateHttp(InetSocketAddress address, NodeStates states) throws IOException {
        this.states = states;
        for (NodeState.State s : NodeState.State.values()) {
            Gauge.builder("amber_nodestate_nodes", states, st -> st.counts().get(s))
                    .description("Nodes the server knows, by state")
                    .tag("state", s.wireName())
                    .register(metrics);
        }
        server = HttpServer.create(address, 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext(NODES, this::node);
        server.createContext("/healthz", this::health);
        server.createContext(
                "/metrics", exchange -> send(exchange, 200, "text/plain; version=0.0.4", metrics.scrape()));
        server.createContext(
                "/",
                exchange -> send(exchange, 404, "text/plain", "not found: try /nodes/{name}, /healthz or /metrics\n"));
    }

    void start() {
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    private void node(HttpExchange exchange) throws IOException {
        if (!"GET".equals(exchange.getRequestMethod())) {
            send(exchange, 405, "text/plain", "only GET\n");
            return;
        }
        String name = URLDecoder.decode(
                exchange.getRequestURI().getRawPath().substring(NODES.length()), StandardCharsets.UTF_8);
        if (name.isEmpty() || name.contains("/")) {
            send(exchange, 404, "text/plain", "not found: GET /nodes/{name}\n");
            return;
        }
        NodeState state = states.lookup(name);
        Counter.builder("amber_nodestate_requests")
                .description("Node-state answers, by state")
                .tag("state", state.state().wireName())
                .register(metrics)
                .increment();
        int status = state.state() == NodeState.State.UNKNOWN && states.synced() ? 404 : 200;
        send(exchange, status, "application/json", JSON.writeValueAsString(state));
    }

    private void health(HttpExchange exchange) throws IOException {
        boolean ok = states.synced();
        send(exchange, ok ? 200 : 503, "text/plain", ok ? "ok\n" : "the Node list is not loaded yet\n");
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (var out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        metrics.close();
    }
}
