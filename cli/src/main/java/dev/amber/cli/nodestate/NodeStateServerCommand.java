package dev.amber.cli.nodestate;

import dev.amber.cli.ListenAddress;
import dev.amber.nodestate.NodeStateServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "node-state-server",
        mixinStandardHelpOptions = true,
        description = {
            "Watch Nodes and answer GET /nodes/{name} with {\"name\", \"state\", \"reason\"} "
                    + "(running, shutting-down or unknown) for `amber wrap run`; also /healthz and /metrics. "
                    + "Any number of replicas can run behind one Service."
        })
public final class NodeStateServerCommand implements Callable<Integer> {

    /** Long enough for an API server under load; short enough that a wrong config fails the pod visibly. */
    private static final Duration FIRST_LIST_TIMEOUT = Duration.ofSeconds(30);

    @Option(
            names = "--listen",
            defaultValue = "0.0.0.0:8080",
            paramLabel = "HOST:PORT",
            description = "Address to serve on (default: ${DEFAULT-VALUE}).")
    String listen;

    @Override
    public Integer call() throws InterruptedException {
        InetSocketAddress address = ListenAddress.parse("--listen", listen);
        // The informer logs a failed first list with a stack trace; this command reports it in one line.
        System.setProperty(
                "org.slf4j.simpleLogger.log.io.fabric8.kubernetes.client.informers.impl.cache.Reflector", "off");
        KubernetesClient client = new KubernetesClientBuilder().build();
        NodeStateServer server = NodeStateServer.start(client, address);
        try {
            server.awaitFirstList(FIRST_LIST_TIMEOUT);
        } catch (RuntimeException e) {
            server.close();
            client.close();
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            client.close();
            stopped.countDown();
        }));
        System.err.println("amber node-state-server: serving on " + address.getHostString() + ":" + server.port()
                + " for cluster " + client.getMasterUrl());
        stopped.await();
        return 0;
    }
}
