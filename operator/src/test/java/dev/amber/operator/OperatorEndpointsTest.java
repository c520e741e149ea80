package dev.amber.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The health port's three endpoints over real HTTP. */
class OperatorEndpointsTest {
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void healthReadinessAndMetricsAreServed() throws Exception {
        AtomicBoolean ready = new AtomicBoolean(false);
        try (OperatorEndpoints endpoints = OperatorEndpoints.start(
                new InetSocketAddress("127.0.0.1", 0), () -> true, ready::get, () -> "amber_up 1\n")) {
            assertThat(get(endpoints, "/healthz").statusCode()).isEqualTo(200);
            assertThat(get(endpoints, "/readyz").statusCode())
                    .as("a standby replica")
                    .isEqualTo(503);
            ready.set(true);
            assertThat(get(endpoints, "/readyz").statusCode()).isEqualTo(200);
            HttpResponse<String> metrics = get(endpoints, "/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.headers().firstValue("Content-Type")).contains("text/plain; version=0.0.4");
            assertThat(metrics.body()).isEqualTo("amber_up 1\n");
        }
    }

    private HttpResponse<String> get(OperatorEndpoints endpoints, String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoints.port() + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
