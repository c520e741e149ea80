package dev.amber.cri;

import static org.assertj.core.api.Assertions.assertThat;

import dev.amber.api.v1alpha1.RuntimeCapability;
import dev.amber.testkit.cluster.LocalCluster;
import dev.amber.testkit.crio.Crio;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The probe against the real runtimes: the cluster's containerd 2.3.7 and the standalone CRI-O 1.34. */
class RuntimeProbeTest {
    @Test
    @Tag("cluster")
    void theClustersContainerdSaysItRestoresThroughCreateContainer() {
        LocalCluster cluster = LocalCluster.up();
        // scripts/cluster turns enable_experimental_restore_via_create on (testinfra/cluster/config/containerd.toml).
        RuntimeCapability capability =
                new RuntimeProbe(cluster.containerdSocket(LocalCluster.NODE_A), Clock.systemUTC()).probe();
        assertThat(capability.runtime()).isEqualTo("containerd");
        assertThat(capability.runtimeVersion()).isEqualTo("v2.3.7");
        assertThat(capability.checkpoint()).isTrue();
        assertThat(capability.canRestore()).as(capability.toString()).isTrue();
    }

    @Test
    @Tag("crio")
    void crioSaysWhatItsConfigurationAllows() {
        Crio crio = Crio.up();
        // scripts/crio sets [crio.runtime] enable_criu_support = true; v1.34.0 has no container_level_enabled.
        RuntimeCapability capability = new RuntimeProbe(crio.socket(), Clock.systemUTC()).probe();
        assertThat(capability.runtime()).isEqualTo("cri-o");
        assertThat(capability.runtimeVersion()).startsWith("1.34.");
        assertThat(capability.canRestore()).as(capability.toString()).isTrue();
        assertThat(CrioStatusConfig.of(crio.socket())).contains("enable_criu_support = true");
    }

    @Test
    void aSocketWithNothingBehindItIsReportedAsUnableWithTheReason() {
        RuntimeCapability capability =
                new RuntimeProbe(Path.of("/nonexistent/amber-test.sock"), Clock.systemUTC()).probe();
        assertThat(capability.canRestore()).isFalse();
        assertThat(capability.checkpoint()).isFalse();
        assertThat(capability.restoreReason())
                .startsWith("the node's runtime could not be asked: the container runtime at"
                        + " unix:///nonexistent/amber-test.sock did not answer Version: UNAVAILABLE");
    }

    /** CRI-O's configuration as the probe reads it. */
    private static final class CrioStatusConfig {
        static String of(Path socket) {
            try {
                return CrioStatus.config(socket, RuntimeProbe.DEADLINE);
            } catch (CriException e) {
                throw new AssertionError(e.getMessage(), e);
            }
        }
    }
}
