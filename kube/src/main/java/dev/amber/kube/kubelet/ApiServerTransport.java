package dev.amber.kube.kubelet;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Through the API server's node proxy ({@code /api/v1/nodes/{node}/proxy/...}), with the client's own
 * credentials; RBAC must grant {@code create} on {@code nodes/proxy}.
 */
public final class ApiServerTransport implements CheckpointTransport {
    private final KubernetesClient client;
    private final String node;

    public ApiServerTransport(KubernetesClient client, String node) {
        this.client = client;
        this.node = node;
    }

    @Override
    public Response post(String path, Duration timeout) throws IOException {
        String base = client.getConfiguration().getMasterUrl().replaceFirst("/+$", "");
        URI uri = URI.create(base + "/api/v1/nodes/" + node + "/proxy" + path);
        HttpClient http = client.getHttpClient();
        HttpRequest request = http.newHttpRequestBuilder()
                .uri(uri)
                .post("application/json", new byte[0])
                .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .build();
        try {
            HttpResponse<String> r =
                    http.sendAsync(request, String.class).get(timeout.toMillis() + 5000, TimeUnit.MILLISECONDS);
            return new Response(r.code(), r.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (TimeoutException e) {
            throw new HttpTimeoutException("no answer from " + describe() + " within " + timeout.toSeconds() + " s");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new IOException(cause.getMessage(), cause);
        }
    }

    @Override
    public String describe() {
        return "API server node proxy for " + node;
    }
}
