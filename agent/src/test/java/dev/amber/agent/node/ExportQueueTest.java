package dev.amber.agent.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.amber.agent.export.CheckpointExporter;
import dev.amber.agent.index.ArchiveIndex;
import dev.amber.agent.index.IndexStore;
import dev.amber.agent.metrics.AgentMetrics;
import dev.amber.agent.store.ArchiveFiles;
import dev.amber.kube.policy.PolicyFiles;
import dev.amber.kube.policy.PolicyValidator;
import dev.amber.retention.ArchiveRecord;
import dev.amber.retention.RetentionPolicy;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An archive is exported once at a time, and stays pending until its result is recorded on the agent's thread. */
class ExportQueueTest {
    @TempDir
    Path dir;

    @TempDir
    Path state;

    private final ExecutorService agentThread = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-agent"));
    private ArchiveIndex index;
    private RetentionPolicy.Export rule;

    @BeforeEach
    void open() throws Exception {
        index = ArchiveIndex.open(new IndexStore(state));
        rule = PolicyValidator.validate(PolicyFiles.parseSpec("export: {repository: localhost:5000/cp}", "test"))
                .export();
    }

    @AfterEach
    void close() throws IOException {
        agentThread.shutdownNow();
        index.close();
    }

    @Test
    void anArchiveInFlightIsNotExportedAgainAndIsPendingUntilRecorded() throws Exception {
        CountDownLatch registry = new CountDownLatch(1);
        CountDownLatch recording = new CountDownLatch(1);
        AtomicInteger pushes = new AtomicInteger();
        List<String> recordedOn = new CopyOnWriteArrayList<>();
        CheckpointExporter exporter = (archive, record, exportRule) -> {
            pushes.incrementAndGet();
            waitFor(registry);
            return exportRule.repository() + "@sha256:1";
        };
        ArchiveRecord archive = ArchiveRecord.unreadable("a.tar", 512, 1000, "test");
        try (ExportQueue queue = new ExportQueue(
                exporter, new ArchiveFiles(dir), new AgentMetrics(index), agentThread, (exported, reference) -> {
                    recordedOn.add(Thread.currentThread().getName() + " " + reference);
                    waitFor(recording);
                })) {
            queue.submit(archive, rule);
            queue.submit(archive, rule); // a second pass plans the same export while the first runs
            assertThat(queue.pending()).isEqualTo(1);

            registry.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() -> !recordedOn.isEmpty());
            assertThat(queue.pending()).as("pushed but not yet recorded").isEqualTo(1);
            queue.submit(archive, rule);
            recording.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() -> queue.pending() == 0);
            assertThat(pushes).hasValue(1);
            assertThat(recordedOn).containsExactly("test-agent localhost:5000/cp@sha256:1");
        }
    }

    @Test
    void aFailedExportIsNoLongerPending() throws Exception {
        try (ExportQueue queue = new ExportQueue(
                CheckpointExporter.NONE,
                new ArchiveFiles(dir),
                new AgentMetrics(index),
                agentThread,
                (exported, reference) -> {})) {
            queue.submit(ArchiveRecord.unreadable("a.tar", 512, 1000, "test"), rule);
            await().atMost(Duration.ofSeconds(10)).until(() -> queue.pending() == 0);
        }
    }

    private static void waitFor(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
