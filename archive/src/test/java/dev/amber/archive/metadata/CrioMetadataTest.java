package dev.amber.archive.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import dev.amber.archive.Engine;
import dev.amber.archive.model.ContainerInfo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * CRI-O's metadata as CRI-O 1.34 really writes it for a kubelet checkpoint (shortened from an archive
 * that scripts/crio's CRI-O wrote; the real-archive tests are tagged {@code crio}).
 */
class CrioMetadataTest {
    private static final String CONFIG = """
            {"id": "15b7bef219a06e90ed302239f3b0cb82dc6651b337cc027dfdf4520e55ef6502",
             "name": "k8s_counter_counter-pod_amber-test_uid-1_0",
             "rootfsImage": "localhost/amber-test/busybox:latest",
             "rootfsImageRef": "e4345f6cefae98fba64ad080842888da75415080752cff738c7cd87c78acfded",
             "rootfsImageName": "localhost/amber-test/busybox:latest",
             "runtime": "runc",
             "createdTime": "2026-11-21T06:46:12.989631402Z",
             "checkpointedTime": "2026-11-21T06:46:15.724792589Z",
             "restoredTime": "0001-01-01T00:00:00Z",
             "restored": false}""";

    private static String spec(String labels) {
        return """
                {"ociVersion": "1.0.2-dev", "annotations": {
                 "io.container.manager": "cri-o",
                 "io.kubernetes.cri-o.Created": "2026-11-21T06:46:11.948886941Z",
                 "io.kubernetes.cri-o.IP.0": "10.245.0.3",
                 "io.kubernetes.cri-o.Labels": %s,
                 "io.kubernetes.cri-o.Metadata": "{\\"name\\":\\"counter\\"}",
                 "io.kubernetes.cri-o.Name": "k8s_counter_counter-pod_amber-test_uid-1_0"%s}}""".formatted(labels, labels.equals("\"null\"") ? "" : """
                        ,
                         "io.kubernetes.pod.name": "counter-pod",
                         "io.kubernetes.pod.namespace": "amber-test",
                         "io.kubernetes.pod.uid": "uid-1",
                         "io.kubernetes.container.name": "counter\"""");
    }

    private static ContainerInfo parse(String spec) throws Exception {
        return ContainerInfoParser.parse(
                Map.of(
                        MetadataFiles.CONFIG_DUMP, CONFIG.getBytes(StandardCharsets.UTF_8),
                        MetadataFiles.SPEC_DUMP, spec.getBytes(StandardCharsets.UTF_8)),
                Path.of("checkpoint.tar"),
                null);
    }

    @Test
    void kubeletLabelsBecomeAnnotationsTooAndTheCreationTimeIsTheAnnotations() throws Exception {
        ContainerInfo c = parse(
                spec(
                        "\"{\\\"io.kubernetes.container.name\\\":\\\"counter\\\",\\\"io.kubernetes.pod.name\\\":\\\"counter-pod\\\"}\""));
        assertThat(c.engine()).isEqualTo(Engine.CRIO);
        assertThat(c.name()).isEqualTo("counter");
        assertThat(c.pod()).isEqualTo("counter-pod");
        assertThat(c.namespace()).isEqualTo("amber-test");
        assertThat(c.podUid()).isEqualTo("uid-1");
        assertThat(c.ip()).isEqualTo("10.245.0.3");
        assertThat(c.image()).isEqualTo("localhost/amber-test/busybox:latest");
        // config.dump's createdTime is stamped a little later; checkpointctl shows the annotation.
        assertThat(c.created()).isEqualTo(Instant.parse("2026-11-21T06:46:11.948886941Z"));
        assertThat(c.checkpointed()).isEqualTo(Instant.parse("2026-11-21T06:46:15.724792589Z"));
        assertThat(c.labels()).containsEntry("io.kubernetes.pod.name", "counter-pod");
    }

    @Test
    void aContainerWithoutLabelsHasTheJsonNullInTheLabelsAnnotation() throws Exception {
        // What CRI-O writes when the CRI request had no labels (crictl without a kubelet).
        ContainerInfo c = parse(spec("\"null\""));
        assertThat(c.name()).isEqualTo("counter");
        assertThat(c.pod()).isNull();
        assertThat(c.labels()).isEmpty();
    }
}
