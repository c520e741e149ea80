package dev.amber.agent.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.amber.agent.index.ArchiveIndex;
import dev.amber.agent.index.IndexStore;
import dev.amber.agent.metrics.AgentMetrics;
import dev.amber.agent.node.AgentConfig;
import dev.amber.agent.node.NodeAgent;
import dev.amber.agent.node.StatusSink;
import dev.amber.agent.testing.KubeletArchives;
import dev.amber.image.CheckpointImages;
import dev.amber.image.ImageReference;
import dev.amber.image.registry.RegistryOptions;
import dev.amber.kube.policy.PolicyFiles;
import dev.amber.kube.policy.PolicyValidator;
import dev.amber.testkit.registry.LocalRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageExporterTest {
    @TempDir
    Path dir;

    @TempDir
    Path state;

    @Test
    void tagsAreValidAndDistinct() {
        assertThat(ImageExporter.tagFor("checkpoint-web_shop-app-2026-11-21T05:00:00Z.tar"))
                .isEqualTo("checkpoint-web_shop-app-2026-11-21T05-00-00Z");
        assertThat(ImageExporter.tagFor("counter.tar.zst")).isEqualTo("counter");
        String longName = "checkpoint-" + "p".repeat(200) + "_ns-app-2026-11-21T05:00:00+01:00.tar";
        String tag = ImageExporter.tagFor(longName);
        assertThat(tag)
                .hasSizeLessThanOrEqualTo(128)
                .matches("[A-Za-z0-9_][A-Za-z0-9_.-]*")
                .endsWith("01-00");
        assertThat(tag).isNotEqualTo(ImageExporter.tagFor(longName.replace("_ns", "_nt")));
    }

    /** The whole rule against a real registry: the archive is deleted only after its image is in the registry. */
    @Test
    @Tag("registry")
    void exportsToARealRegistryThenDeletes() throws Exception {
        try (LocalRegistry registry = LocalRegistry.start()) {
            Path old = KubeletArchives.write(
                    dir,
                    KubeletArchives.Layout.CRIO,
                    "shop",
                    "web",
                    "app",
                    Instant.parse("2026-11-20T10:00:00Z"),
                    8192);
            KubeletArchives.write(
                    dir,
                    KubeletArchives.Layout.CRIO,
                    "shop",
                    "web",
                    "app",
                    Instant.parse("2026-11-20T11:00:00Z"),
                    8192);
            long oldSize = Files.size(old);
            String repository = registry.hostPort() + "/amber/checkpoints";
            ArchiveIndex index = ArchiveIndex.open(new IndexStore(state));
            try (NodeAgent agent = new NodeAgent(
                    new AgentConfig(dir, state, Duration.ofMillis(50), Duration.ofMinutes(10), false),
                    index,
                    () -> null,
                    UnaryOperator.identity(),
                    new ImageExporter(RegistryOptions.defaults()),
                    new AgentMetrics(index),
                    StatusSink.NONE,
                    Clock.systemUTC())) {
                agent.start();
                agent.setPolicy(PolicyValidator.validate(PolicyFiles.parseSpec("""
                        globalPolicy: {maxCheckpointsPerContainer: 1}
                        export: {repository: %s, plainHttp: true}
                        """.formatted(repository), "test")))
                        .get();
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> !Files.exists(old));
            }
            var info = CheckpointImages.standard(RegistryOptions.defaults().withInsecure(true))
                    .inspect(ImageReference.parse(repository + ":"
                            + ImageExporter.tagFor(old.getFileName().toString())));
            assertThat(info.container()).isEqualTo("app");
            assertThat(info.namespace()).isEqualTo("shop");
            assertThat(info.layer().size()).isEqualTo(oldSize);
        }
    }
}
