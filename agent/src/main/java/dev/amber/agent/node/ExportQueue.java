package dev.amber.agent.node;

import dev.amber.agent.export.CheckpointExporter;
import dev.amber.agent.metrics.AgentMetrics;
import dev.amber.agent.store.ArchiveFiles;
import dev.amber.retention.ArchiveRecord;
import dev.amber.retention.RetentionPolicy;
import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exports retention passes ask for, run one at a time on a thread of their own so that a slow registry holds up
 * neither indexing nor passes. A failed export is only logged and counted: the archive stays, and the next pass that
 * plans it asks again.
 *
 * <p>Invariants. An archive is in flight at most once: it stays in flight from {@link #submit} until its result has
 * been recorded, because a pass that ran between the push and the record would otherwise push it again. So
 * {@link #pending} is bounded by the archives in the index. A verified export's result is handed to the
 * {@link Recorder} on the agent's thread, since the index is changed on that thread alone.
 *
 * <p>Thread-safe: passes submit on the agent's thread, the export thread finishes, reports read {@link #pending}
 * from any thread; the in-flight set is guarded by its own lock.
 */
final class ExportQueue implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ExportQueue.class);

    /** Takes the result of a verified export, on the agent's thread. */
    interface Recorder {
        void exported(ArchiveRecord archive, String reference);
    }

    private final CheckpointExporter exporter;
    private final ArchiveFiles files;
    private final AgentMetrics metrics;
    private final Executor agentThread;
    private final Recorder recorder;
    private final ExecutorService exports = Executors.newSingleThreadExecutor(r -> new Thread(r, "amber-export"));
    private final Set<String> inFlight = new HashSet<>();

    ExportQueue(
            CheckpointExporter exporter,
            ArchiveFiles files,
            AgentMetrics metrics,
            Executor agentThread,
            Recorder recorder) {
        this.exporter = exporter;
        this.files = files;
        this.metrics = metrics;
        this.agentThread = agentThread;
        this.recorder = recorder;
    }

    /** Queues the archive's export under the rule, unless it is already in flight. */
    void submit(ArchiveRecord archive, RetentionPolicy.Export rule) {
        synchronized (inFlight) {
            if (!inFlight.add(archive.fileName())) {
                return;
            }
        }
        exports.execute(() -> export(archive, rule));
    }

    /** Archives queued or being exported whose result is not recorded yet. */
    int pending() {
        synchronized (inFlight) {
            return inFlight.size();
        }
    }

    private void export(ArchiveRecord archive, RetentionPolicy.Export rule) {
        long start = System.nanoTime();
        try {
            String reference = exporter.export(files.resolve(archive.fileName()), archive, rule);
            metrics.exported(Duration.ofNanos(System.nanoTime() - start));
            LOG.info("exported {} as {}", archive.fileName(), reference);
            agentThread.execute(() -> {
                try {
                    recorder.exported(archive, reference);
                } finally {
                    finished(archive);
                }
            });
        } catch (IOException | RuntimeException e) {
            metrics.exportFailed();
            LOG.warn(
                    "export of {} to {} failed, keeping it: {}", archive.fileName(), rule.repository(), e.getMessage());
            finished(archive);
        }
    }

    private void finished(ArchiveRecord archive) {
        synchronized (inFlight) {
            inFlight.remove(archive.fileName());
        }
    }

    /** Abandons queued exports and interrupts the running one: an archive not recorded as exported is kept. */
    @Override
    public void close() {
        exports.shutdownNow();
    }
}
