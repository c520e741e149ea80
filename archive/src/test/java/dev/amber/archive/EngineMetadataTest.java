package dev.amber.archive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.amber.archive.metadata.KubeletFileName;
import dev.amber.archive.model.ContainerInfo;
import dev.amber.archive.synthetic.SyntheticCheckpoint;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each engine keeps container, pod and namespace under its own keys; all three must come out the same. */
class EngineMetadataTest {
    @TempDir
    Path dir;

    @Test
    void crioArchiveNamedByTheKubelet() throws Exception {
        Path archive = new SyntheticCheckpoint()
                .engine(Engine.CRIO)
                .container("web")
                .pod("shop-7d9f", "team-a")
                .process(new SyntheticCheckpoint.Process(1, 0, "nginx", List.of("nginx"), List.of(), new byte[10]))
                .writeTar(
                        dir.resolve("checkpoint-shop-7d9f_team-a-web-2026-11-20T11:00:00Z.tar"),
                        SyntheticCheckpoint.Compression.NONE);
        ContainerInfo c = CheckpointReader.read(archive, ReadPart.of()).container();
        assertThat(c.engine()).isEqualTo(Engine.CRIO);
        assertThat(c.name()).isEqualTo("web");
        assertThat(c.pod()).isEqualTo("shop-7d9f");
        assertThat(c.namespace()).isEqualTo("team-a");
        assertThat(c.podUid()).isEqualTo("0c6b5a1e-1111-2222-3333-444455556666");
        assertThat(c.ip()).isEqualTo("10.244.0.7");
        assertThat(c.checkpointed()).isEqualTo(Instant.parse("2026-11-20T11:00:00Z"));
    }

    @Test
    void podmanMetadataOnlyReadTakesTheTimeTheMetadataWasWritten() throws Exception {
        Path archive = SyntheticCheckpoint.standard(new byte[10])
                .writeTar(dir.resolve("p.tar.zst"), SyntheticCheckpoint.Compression.ZSTD);
        // TarWriter stamps every entry with 1,700,000,000; a metadata-only pass stops before the images.
        assertThat(CheckpointReader.read(archive, ReadPart.of()).container().checkpointed())
                .isEqualTo(Instant.ofEpochSecond(1_700_000_000L));
    }

    @Test
    void crioLabelsComeFromTheirAnnotation() throws Exception {
        var entries = new SyntheticCheckpoint().engine(Engine.CRIO).entries();
        String spec = new String(entries.get("spec.dump"), StandardCharsets.UTF_8)
                .replace(
                        "\"io.container.manager\":\"cri-o\"",
                        "\"io.container.manager\":\"cri-o\",\"io.kubernetes.cri-o.Labels\":\"{\\\"app\\\":\\\"shop\\\"}\"");
        Path archive = new SyntheticCheckpoint()
                .engine(Engine.CRIO)
                .process(new SyntheticCheckpoint.Process(1, 0, "app", List.of("app"), List.of(), new byte[10]))
                .file("spec.dump", spec.getBytes(StandardCharsets.UTF_8))
                .writeTar(
                        dir.resolve("checkpoint-counter-pod_default-counter-2026-11-20T11:00:00Z.tar"),
                        SyntheticCheckpoint.Compression.NONE);
        assertThat(CheckpointReader.read(archive, ReadPart.of()).container().labels())
                .containsEntry("app", "shop");
    }

    @Test
    void containerdArchive() throws Exception {
        Path archive = new SyntheticCheckpoint()
                .engine(Engine.CONTAINERD)
                .container("worker")
                .pod("batch-1", "jobs")
                .process(new SyntheticCheckpoint.Process(1, 0, "app", List.of("app"), List.of(), new byte[10]))
                .writeTar(
                        dir.resolve("checkpoint-batch-1_jobs-worker-2026-11-20T11:00:00Z.tar"),
                        SyntheticCheckpoint.Compression.NONE);
        ContainerInfo c = CheckpointReader.read(archive, ReadPart.of()).container();
        assertThat(c.engine()).isEqualTo(Engine.CONTAINERD);
        assertThat(c.name()).isEqualTo("worker");
        assertThat(c.pod()).isEqualTo("batch-1");
        assertThat(c.namespace()).isEqualTo("jobs");
    }

    @Test
    void kubeletFileNameNeedsTheNamespaceToSplitNamespaceFromContainer() {
        KubeletFileName n = KubeletFileName.parse("checkpoint-my-pod_kube-system-side-car-2026-11-20T11:00:00Z.tar");
        assertThat(n.pod()).isEqualTo("my-pod");
        assertThat(n.container("kube-system")).isEqualTo("side-car");
        assertThat(n.container("kube")).isEqualTo("system-side-car");
        assertThat(n.time()).isEqualTo(Instant.parse("2026-11-20T11:00:00Z"));
        assertThat(KubeletFileName.parse("checkpoint.tar")).isNull();
    }
}
