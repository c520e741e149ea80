package dev.amber.agent.kubelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Where a node's kubelet is, from its Node object: the port it reports and the node's InternalIP. */
class NodeKubeletTest {
    private static Node node(Integer port, String... typeAndAddress) {
        NodeBuilder b = new NodeBuilder().withNewMetadata().withName("node-b").endMetadata();
        var status = b.withNewStatus();
        if (port != null) {
            status.withNewDaemonEndpoints().withNewKubeletEndpoint(port).endDaemonEndpoints();
        }
        for (int i = 0; i < typeAndAddress.length; i += 2) {
            status.addNewAddress(typeAndAddress[i + 1], typeAndAddress[i]);
        }
        return status.endStatus().build();
    }

    @Test
    void usesTheReportedPortAndTheInternalAddress() throws IOException {
        // Two kubelets on one machine: the second listens on 11250, not 10250.
        assertThat(NodeKubelet.endpoint(
                        node(11250, "Hostname", "node-b", "ExternalIP", "203.0.113.9", "InternalIP", "10.0.0.5")))
                .isEqualTo(URI.create("https://10.0.0.5:11250"));
        assertThat(NodeKubelet.endpoint(node(10250, "InternalIP", "fd00::5")))
                .isEqualTo(URI.create("https://[fd00::5]:10250"));
    }

    @Test
    void aNodeWithoutPortOrAddressIsAnErrorNamingIt() {
        assertThatThrownBy(() -> NodeKubelet.endpoint(node(null, "InternalIP", "10.0.0.5")))
                .hasMessageContaining("node-b")
                .hasMessageContaining("kubelet port");
        assertThatThrownBy(() -> NodeKubelet.endpoint(node(10250, "Hostname", "node-b")))
                .hasMessageContaining("InternalIP");
    }

    @Test
    void theRoutesExcludeEachOther() {
        assertThatThrownBy(() -> new KubeletAccess(true, true, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new KubeletAccess(false, true, Path.of("/ca.crt")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
