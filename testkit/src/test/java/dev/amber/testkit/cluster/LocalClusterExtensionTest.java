package dev.amber.testkit.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerImage;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The fixture against the real local cluster: what every cluster test relies on. */
@Tag("cluster")
@ExtendWith(LocalClusterExtension.class)
class LocalClusterExtensionTest {

    @Test
    void clientDefaultsToTheClassNamespaceWhichExists(KubernetesClient client, TestNamespace namespace) {
        assertThat(client.getNamespace()).isEqualTo(namespace.name());
        assertThat(client.namespaces().withName(namespace.name()).get()).isNotNull();
        assertThat(client.serviceAccounts().withName("default").get()).isNotNull();
    }

    @Test
    void bothNodesAreReadyWithTheTestAndPauseImages(KubernetesClient client) {
        for (String name : List.of(LocalCluster.NODE_A, LocalCluster.NODE_B)) {
            Node node = client.nodes().withName(name).get();
            assertThat(node).as(name).isNotNull();
            assertThat(node.getStatus().getConditions())
                    .as(name)
                    .filteredOn(c -> c.getType().equals("Ready"))
                    .extracting(NodeCondition::getStatus)
                    .containsExactly("True");
            assertThat(node.getStatus().getNodeInfo().getContainerRuntimeVersion())
                    .as(name)
                    .startsWith("containerd://2.3.");
            assertThat(node.getStatus().getImages())
                    .as(name)
                    .flatExtracting(ContainerImage::getNames)
                    .contains(LocalCluster.TEST_IMAGE, "localhost/amber-test/pause:latest");
        }
    }

    @Test
    void upAgainReusesTheRunningCluster(LocalCluster cluster, KubernetesClient client) {
        String nodeUid =
                client.nodes().withName(LocalCluster.NODE_A).get().getMetadata().getUid();

        LocalCluster again = LocalCluster.up();

        assertThat(again.kubeconfig()).isEqualTo(cluster.kubeconfig());
        assertThat(client.nodes()
                        .withName(LocalCluster.NODE_A)
                        .get()
                        .getMetadata()
                        .getUid())
                .isEqualTo(nodeUid);
    }
}
