package dev.amber.kube.kubelet;

import java.io.IOException;
import java.time.Duration;

/** One way to reach a kubelet's checkpoint endpoint: through the API server, or directly. */
public interface CheckpointTransport {
    record Response(int status, String body) {}

    /**
     * @param path {@code /checkpoint/{namespace}/{pod}/{container}?timeout=S}, relative to the kubelet
     * @param timeout how long to wait for the answer
     */
    Response post(String path, Duration timeout) throws IOException;

    /** Says how the request travels, for error messages. */
    String describe();
}
