package dev.amber.agent.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.amber.agent.export.CheckpointExporter;
import dev.amber.agent.index.ArchiveIndex;
import dev.amber.agent.index.IndexStore;
import dev.amber.agent.metrics.AgentMetrics;
import dev.amber.agent.testing.KubeletArchives;
import dev.amber.agent.testing.KubeletArchives.Layout;
import dev.amber.kube.policy.PolicyFiles;
import dev.amber.kube.policy.PolicyValidator;
import dev.amber.retention.ArchiveRecord;
import dev.amber.retention.LivePods;
import dev.amber.retention.RetentionPolicy;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent on a real directory: inotify, debounce, index, retention, pins, exports, restarts. */
class NodeAgentTest {
    private static final Instant T = Instant.parse("2026-11-20T10:00:00Z");

    @TempDir
    Path dir;

    @TempDir
    Path state;

    private NodeAgent agent;

    @AfterEach
    void stop() throws IOException {
        if (agent != null) {
            agent.close();
        }
    }

    private NodeAgent start(String policyYaml, CheckpointExporter exporter, AtomicReference<LivePods> live)
            throws Exception {
        return start(policyYaml, exporter, live, false);
    }

    private NodeAgent start(
            String policyYaml, CheckpointExporter exporter, AtomicReference<LivePods> live, boolean dryRun)
            throws Exception {
        AgentConfig config = new AgentConfig(dir, state, Duration.ofMillis(50), Duration.ofMinutes(10), dryRun);
        ArchiveIndex index = ArchiveIndex.open(new IndexStore(state));
        agent = new NodeAgent(
                config,
                index,
                live::get,
                UnaryOperator.identity(),
                exporter,
                new AgentMetrics(index),
                StatusSink.NONE,
                Clock.systemUTC());
        agent.start();
        agent.setPolicy(policy(policyYaml));
        agent.applyAllNow(); // runs after the policy change on the agent's thread: a barrier
        return agent;
    }

    private static RetentionPolicy policy(String yaml) throws Exception {
        return PolicyValidator.validate(PolicyFiles.parseSpec(yaml, "test"));
    }

    @Test
    void appliesThePolicyToArchivesAsTheyArrive() throws Exception {
        KubeletArchives.write(dir, Layout.CRIO, "ns", "web", "app", T, 1024);
        start("globalPolicy: {maxCheckpointsPerContainer: 2}", CheckpointExporter.NONE, new AtomicReference<>());
        assertThat(agent.index().size()).isEqualTo(1);

        // Like the kubelet: written in place, a piece at a time.
        Path second = dir.resolve(KubeletArchives.fileName("ns", "web", "app", T.plusSeconds(60)));
        byte[] bytes = KubeletArchives.bytes(Layout.CRIO, "ns", "web", "app", T.plusSeconds(60), 64 * 1024);
        try (OutputStream out = Files.newOutputStream(second)) {
            for (int off = 0; off < bytes.length; off += 8192) {
                out.write(bytes, off, Math.min(8192, bytes.length - off));
                out.flush();
                Thread.sleep(10);
            }
        }
        // Like a copy tool: renamed into place complete. Written world-readable: the agent narrows it.
        Path tmp = state.resolve("incoming");
        Files.write(tmp, KubeletArchives.bytes(Layout.CONTAINERD, "ns", "web", "app", T.plusSeconds(120), 1024));
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
        Path third = dir.resolve(KubeletArchives.fileName("ns", "web", "app", T.plusSeconds(120)));
        Files.move(tmp, third, StandardCopyOption.ATOMIC_MOVE);

        Path first = dir.resolve(KubeletArchives.fileName("ns", "web", "app", T));
        await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(first));
        agent.applyAllNow(); // barrier: the pass that deleted it has finished
        assertThat(Files.exists(second)).isTrue();
        assertThat(Files.exists(third)).isTrue();
        assertThat(Files.getPosixFilePermissions(third))
                .isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
        assertThat(agent.index().get(second.getFileName().toString()).size()).isEqualTo(bytes.length);
        assertThat(agent.report().recentDeletions())
                .singleElement()
                .satisfies(d -> assertThat(d.reason()).startsWith("max-checkpoints"));
    }

    @Test
    void aDryRunDeletesNothingAndCountsEachWouldBeDeletionOnceApartFromDeletions() throws Exception {
        Path older = KubeletArchives.write(dir, Layout.CRIO, "ns", "web", "app", T, 512);
        KubeletArchives.write(dir, Layout.CRIO, "ns", "web", "app", T.plusSeconds(1), 512);
        start("globalPolicy: {maxCheckpointsPerContainer: 1}", CheckpointExporter.NONE, new AtomicReference<>(), true);
        agent.applyAllNow(); // another pass judges the same archive again

        NodeReport report = agent.report();
        assertThat(older).exists();
        assertThat(report.dryRun()).isTrue();
        assertThat(report.deletedTotal()).as("a dry run deletes nothing").isZero();
        assertThat(report.wouldDeleteTotal())
                .as("one archive, however many passes")
                .isEqualTo(1);
        assertThat(report.recentDeletions())
                .singleElement()
                .satisfies(d ->
                        assertThat(d.archive()).isEqualTo(older.getFileName().toString()));
    }

    @Test
    void aRealRunCountsItsDeletionsAsDeleted() throws Exception {
        Path older = KubeletArchives.write(dir, Layout.CRIO, "ns", "web", "app", T, 512);
        KubeletArchives.write(dir, Layout.CRIO, "ns", "web", "app", T.plusSeconds(1), 512);
        start("globalPolicy: {maxCheckpointsPerContainer: 1}", CheckpointExporter.NONE, new AtomicReference<>());

        NodeReport report = agent.report();
        assertThat(older).doesNotExist();
        assertThat(report.deletedTotal()).isEqualTo(1);
        assertThat(report.wouldDeleteTotal()).isZero();
    }

    @Test
    void pinningProtectsAndUnpinningReleases() throws Exception {
        Path old = KubeletArchives.write(dir, Layout.CRIO, "ns", "web", "app", T, 512);
        Files.writeString(dir.resolve(old.getFileName() + ".keep"), "");
        KubeletArchives.write(dir, Layout.CRIO, "ns", "web", "app", T.plusSeconds(1), 512);
        start("globalPolicy: {maxCheckpointsPerContainer: 1}", CheckpointExporter.NONE, new AtomicReference<>());
        // The pin counts toward the limit, so the newer, unpinned archive is the one that goes.
        assertThat(Files.list(dir).map(p -> p.getFileName().toString()))
                .containsExactlyInAnyOrder(old.getFileName().toString(), old.getFileName() + ".keep");

        KubeletArchives.write(dir, Layout.CRIO, "ns", "web", "app", T.plusSeconds(2), 512);
        Files.delete(dir.resolve(old.getFileName() + ".keep"));
        await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(old));
        assertThat(agent.index().size()).isEqualTo(1);
    }

    /**
     * Export-before-delete with an exporter that fails and then succeeds. The fake stands in for the
     * registry push of the image module (tested there against a real registry); what is tested here is
     * that the agent deletes a covered archive only after the exporter reported a verified push.
     */
    @Test
    void deletesAnExportedArchiveOnlyAfterItsExportIsVerified() throws Exception {
        Path a = KubeletArchives.write(dir, Layout.CRIO, "ns", "web", "app", T, 512);
        KubeletArchives.write(dir, Layout.CRIO, "ns", "web", "app", T.plusSeconds(1), 512);
        List<String> pushed = new CopyOnWriteArrayList<>();
        AtomicReference<Boolean> registryUp = new AtomicReference<>(false);
        CheckpointExporter exporter = (archive, record, rule) -> {
            if (!registryUp.get()) {
                throw new IOException("connection refused");
            }
            pushed.add(record.fileName());
            return rule.repository() + "@sha256:" + "0".repeat(64);
        };
        start("""
                globalPolicy: {maxCheckpointsPerContainer: 1}
                export: {repository: localhost:5000/cp}
                """, exporter, new AtomicReference<>());
        Thread.sleep(300);
        assertThat(Files.exists(a)).as("kept while its export fails").isTrue();

        registryUp.set(true);
        agent.applyAllNow();
        await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(a));
        assertThat(pushed).contains(a.getFileName().toString());
    }

    @Test
    void orphansGoOnlyOnceThePodsAreKnown() throws Exception {
        Path orphan = KubeletArchives.write(dir, Layout.CONTAINERD, "ns", "gone", "app", T, 512);
        Path alive = KubeletArchives.write(dir, Layout.CONTAINERD, "ns", "web", "app", T, 512);
        AtomicReference<LivePods> live = new AtomicReference<>(); // informers not synced yet
        start("globalPolicy: {retainOrphan: false}", CheckpointExporter.NONE, live);
        assertThat(Files.exists(orphan)).isTrue();

        live.set(new LivePods(
                Map.of("ns/web", new LivePods.Pod("ns", "web", "u1", Set.of("app"), Map.of())), Set.of("ns")));
        agent.podDeleted("ns");
        await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(orphan));
        assertThat(Files.exists(alive)).isTrue();
    }

    @Test
    void aRestartKeepsTheIndexAndRecordedExports() throws Exception {
        KubeletArchives.write(dir, Layout.CRIO, "ns", "web", "app", T, 512);
        start("{}", (archive, record, rule) -> rule.repository() + "@sha256:1", new AtomicReference<>());
        agent.setPolicy(policy("export: {repository: localhost:5000/cp}\napplyPoliciesImmediately: true"));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> agent.index().all().stream().allMatch(r -> r.exportedTo() != null));
        agent.close();
        agent = null;

        try (ArchiveIndex index = ArchiveIndex.open(new IndexStore(state))) {
            ArchiveRecord r = index.all().get(0);
            assertThat(r.exportedTo()).isEqualTo("localhost:5000/cp@sha256:1");
            assertThat(r.pod()).isEqualTo("web");
        }
    }
}
