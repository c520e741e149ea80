package dev.amber.wrapper;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against a real HTTP server on loopback that plays the node-state server's part. */
class NodeStateClientTest {
    private HttpServer server;
    private final List<String> paths = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            paths.add(exchange.getRequestURI().getRawPath());
            String name = exchange.getRequestURI().getPath().substring("/nodes/".length());
            boolean known = name.startsWith("node-");
            byte[] body = (known
                            ? "{\"name\":\"" + name
                                    + "\",\"state\":\"shutting-down\",\"reason\":\"Karpenter disruption taint\"}"
                            : "{\"name\":\"" + name + "\",\"state\":\"unknown\",\"reason\":\"no such node\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(known ? 200 : 404, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private URI base() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    @Test
    void asksTheNodesPathTheServerServes() {
        NodeStateAnswer answer = new NodeStateClient(base()).ask("node-a");

        assertThat(paths).containsExactly("/nodes/node-a");
        assertThat(answer).isEqualTo(new NodeStateAnswer("shutting-down", "Karpenter disruption taint", true));
    }

    @Test
    void aNotFoundAnswerStillCarriesTheServersState() {
        NodeStateAnswer answer = new NodeStateClient(base()).ask("other");

        assertThat(answer.state()).isEqualTo("unknown");
        assertThat(answer.reachable()).isTrue();
    }

    @Test
    void anUnreachableServerOrMissingNodeNameIsUnknownWithTheCause() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        NodeStateAnswer refused = new NodeStateClient(URI.create("http://127.0.0.1:" + closedPort)).ask("node-a");
        NodeStateAnswer noName = new NodeStateClient(base()).ask(null);

        assertThat(refused.reachable()).isFalse();
        assertThat(refused.reason()).contains("/nodes/node-a", "ConnectException");
        assertThat(noName.reason()).contains("KUBERNETES_NODE_NAME");
    }
}
