package dev.amber.operator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The operator's plain-HTTP endpoints on its health port: {@code /healthz} (liveness: every event source healthy),
 * {@code /readyz} (readiness: the operator started, which a standby replica has not) and {@code /metrics}
 * (Prometheus text exposition). Nothing here carries a secret, so no TLS.
 */
public final class OperatorEndpoints implements AutoCloseable {
    private final HttpServer server;

    private OperatorEndpoints(HttpServer server) {
        this.server = server;
    }

    public static OperatorEndpoints start(
            InetSocketAddress address, BooleanSupplier healthy, BooleanSupplier ready, Supplier<String> metrics)
            throws IOException {
        HttpServer server = HttpServer.create(address, 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/healthz", ex -> answer(ex, healthy.getAsBoolean()));
        server.createContext("/readyz", ex -> answer(ex, ready.getAsBoolean()));
        server.createContext("/metrics", ex -> send(ex, 200, "text/plain; version=0.0.4", metrics.get()));
        server.start();
        return new OperatorEndpoints(server);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void answer(HttpExchange exchange, boolean ok) throws IOException {
        send(exchange, ok ? 200 : 503, "text/plain", ok ? "ok\n" : "not ready\n");
    }

    private static void send(HttpExchange exchange, int status, String type, String text) throws IOException {
        try (exchange) {
            byte[] body = text.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", type);
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
