package dev.amber.nodestate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.amber.testkit.cluster.LocalCluster;
import dev.amber.testkit.cluster.LocalClusterExtension;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The server against the real local cluster's Nodes. Other tests share the cluster, so the only
 * change made is a cluster-autoscaler taint with effect PreferNoSchedule: the rules go by the key,
 * and the scheduler still places pods on the node.
 */
@Tag("cluster")
@ExtendWith(LocalClusterExtension.class)
class NodeStateOnClusterTest {
    private static final String TAINT = "ToBeDeletedByClusterAutoscaler";

    @Test
    void readyNodesRunAndAnAutoscalerTaintMeansShuttingDown(KubernetesClient client) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        try (NodeStateServer server = NodeStateServer.start(client, new InetSocketAddress("127.0.0.1", 0))) {
            URI nodeB = URI.create("http://127.0.0.1:" + server.port() + "/nodes/" + LocalCluster.NODE_B);
            await().atMost(Duration.ofSeconds(30)).until(() -> get(http, nodeB).contains("\"state\":\"running\""));
            assertThat(get(http, nodeB)).contains("Ready=True");

            try {
                client.nodes()
                        .withName(LocalCluster.NODE_B)
                        .edit(n -> new NodeBuilder(n)
                                .editSpec()
                                .addToTaints(new TaintBuilder()
                                        .withKey(TAINT)
                                        .withValue("amber-test")
                                        .withEffect("PreferNoSchedule")
                                        .build())
                                .endSpec()
                                .build());
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> get(http, nodeB).contains("shutting-down"));
                assertThat(get(http, nodeB)).contains("cluster-autoscaler is removing the node");
            } finally {
                client.nodes().withName(LocalCluster.NODE_B).edit(NodeStateOnClusterTest::withoutTestTaint);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> get(http, nodeB).contains("\"state\":\"running\""));
        }
    }

    private static Node withoutTestTaint(Node n) {
        n.getSpec().getTaints().removeIf(t -> TAINT.equals(t.getKey()) && "amber-test".equals(t.getValue()));
        return n;
    }

    private static String get(HttpClient http, URI uri) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString())
                .body();
    }
}
