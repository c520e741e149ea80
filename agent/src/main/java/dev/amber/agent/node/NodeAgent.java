package dev.amber.agent.node;

import dev.amber.agent.export.CheckpointExporter;
import dev.amber.agent.index.ArchiveIndex;
import dev.amber.agent.index.ArchiveWatcher;
import dev.amber.agent.index.DirectoryScanner;
import dev.amber.agent.metrics.AgentMetrics;
import dev.amber.agent.retention.RetentionExecutor;
import dev.amber.agent.store.ArchiveFiles;
import dev.amber.retention.ArchiveRecord;
import dev.amber.retention.InvalidPolicyException;
import dev.amber.retention.LivePods;
import dev.amber.retention.RetentionEngine;
import dev.amber.retention.RetentionPlan;
import dev.amber.retention.RetentionPolicy;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node agent's event loop: takes the watcher's, the cluster's and the HTTP API's events, keeps the index in
 * line with the checkpoint directory and runs the retention passes they call for. Every change to the index and
 * every pass runs on one thread, so passes never interleave. Exports run in the {@link ExportQueue} and come back
 * as index changes on that thread; what passes deleted is kept in the {@link DeletionLog}.
 */
public final class NodeAgent implements ArchiveWatcher.Listener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeAgent.class);
    /** A dry run of a sweeping policy would otherwise log every archive of the node. */
    private static final int DRY_RUN_LINES_PER_PASS = 100;

    private final AgentConfig config;
    private final ArchiveFiles files;
    private final ArchiveIndex index;
    private final Supplier<LivePods> livePods;
    private final AgentMetrics metrics;
    private final StatusSink status;
    private final Clock clock;
    private final DirectoryScanner scanner;
    private final RetentionExecutor executor;
    private final ScheduledExecutorService worker =
            Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "amber-agent"));
    private final ExportQueue exports;
    private final DeletionLog deletions = new DeletionLog();

    private RetentionPolicy policy;
    private ArchiveWatcher watcher;
    /** Written by passes, read by reports on other threads. */
    private volatile Instant lastApplied;

    /**
     * @param livePods the pods that exist, or null while that is unknown (then nothing is an orphan)
     * @param enrich adds what the cluster knows (pod labels) to a freshly read record
     */
    public NodeAgent(
            AgentConfig config,
            ArchiveIndex index,
            Supplier<LivePods> livePods,
            UnaryOperator<ArchiveRecord> enrich,
            CheckpointExporter exporter,
            AgentMetrics metrics,
            StatusSink status,
            Clock clock) {
        this.config = config;
        this.files = new ArchiveFiles(config.checkpointDirectory());
        this.index = index;
        this.livePods = livePods;
        this.metrics = metrics;
        this.status = status;
        this.clock = clock;
        this.scanner = new DirectoryScanner(files, index, enrich);
        this.executor = new RetentionExecutor(files, index, metrics);
        this.exports = new ExportQueue(exporter, files, metrics, worker, this::recordExport);
    }

    public ArchiveIndex index() {
        return index;
    }

    public ArchiveFiles files() {
        return files;
    }

    /** Finishes interrupted deletions, brings the index up to date, applies the policy and starts watching. */
    public DirectoryScanner.Result start() throws IOException {
        DirectoryScanner.Result result = call(() -> {
            DirectoryScanner.Result r = scanner.scan();
            if (r.finishedDeletions() > 0) {
                LOG.info("finished {} deletions interrupted by a restart", r.finishedDeletions());
            }
            metrics.archivesRead(r.read());
            applyAll();
            return r;
        });
        watcher = new ArchiveWatcher(config.checkpointDirectory(), config.debounce(), this);
        watcher.start();
        long resync = config.resync().toMillis();
        worker.scheduleWithFixedDelay(this::resyncQuietly, resync, resync, TimeUnit.MILLISECONDS);
        return result;
    }

    /**
     * A new or changed policy; null clears it (nothing is deleted without a policy).
     *
     * @return completes with the plan of the pass the change caused, or null when it caused none
     */
    public Future<RetentionPlan> setPolicy(RetentionPolicy next) {
        return worker.submit(() -> {
            boolean first = policy == null;
            policy = next;
            if (next != null
                    && next.checkpointDirectory() != null
                    && !Path.of(next.checkpointDirectory()).equals(config.checkpointDirectory())) {
                LOG.warn(
                        "policy names checkpoint directory {} but this agent watches {}; the agent's directory is used",
                        next.checkpointDirectory(),
                        config.checkpointDirectory());
            }
            if (next != null && (first || next.applyPoliciesImmediately())) {
                try {
                    long start = System.nanoTime();
                    RetentionPlan plan = applyAll();
                    LOG.info(
                            "policy applied to {} archives in {} ms: {} {}, {} kept",
                            index.size(),
                            (System.nanoTime() - start) / 1_000_000,
                            config.dryRun() ? "would delete" : "deleted",
                            plan.deletions().size(),
                            plan.kept().size());
                    return plan;
                } catch (IOException e) {
                    LOG.warn("cannot apply the new policy: {}", e.getMessage());
                }
            }
            return null;
        });
    }

    public void policyRejected(InvalidPolicyException problem) {
        LOG.error("policy rejected, keeping the previous one: {}", problem.getMessage());
        status.policyRejected(problem);
    }

    /** Applies the policy to every archive now and waits for it; returns the plan (null without a policy). */
    public RetentionPlan applyAllNow() throws IOException {
        return call(this::applyAll);
    }

    // ---- watcher events (watcher threads) -> agent thread

    @Override
    public void archiveComplete(String fileName, long size, long modifiedMillis, long stableSinceNanos) {
        worker.execute(() -> {
            try {
                ArchiveRecord known = index.get(fileName);
                if (known != null && known.sameFileAs(size, modifiedMillis)) {
                    return;
                }
                ArchiveRecord fresh = scanner.readOne(files.resolve(fileName), size, modifiedMillis)
                        .withPinned(files.isPinned(fileName));
                ArchiveFiles.restrictToOwner(files.resolve(fileName));
                metrics.archivesRead(1);
                index.put(fresh);
                index.commit();
                RetentionPlan plan = applyNamespace(fresh.namespace());
                long afterComplete =
                        System.nanoTime() - stableSinceNanos - config.debounce().toNanos();
                long afterWrite = clock.millis() - modifiedMillis;
                metrics.indexed(Duration.ofNanos(Math.max(0, afterComplete)));
                LOG.info(
                        "indexed {} ({}): policies applied {} ms after it was complete, {} ms after its last write{}",
                        fileName,
                        fresh.readable()
                                ? fresh.namespace() + "/" + fresh.pod() + "/" + fresh.container()
                                : "unreadable: " + fresh.error(),
                        TimeUnit.NANOSECONDS.toMillis(Math.max(0, afterComplete)),
                        afterWrite,
                        plan == null ? " (no policy)" : "");
            } catch (NoSuchFileException e) {
                removeQuietly(fileName);
            } catch (IOException | RuntimeException e) {
                LOG.warn("cannot index {}: {}", fileName, e.getMessage());
            }
        });
    }

    @Override
    public void archiveRemoved(String fileName) {
        worker.execute(() -> removeQuietly(fileName));
    }

    @Override
    public void pinChanged(String archiveFileName) {
        worker.execute(() -> {
            ArchiveRecord r = index.get(archiveFileName);
            if (r == null) {
                return;
            }
            try {
                index.put(r.withPinned(files.isPinned(archiveFileName)));
                index.commit();
                applyNamespace(r.namespace());
            } catch (IOException e) {
                LOG.warn("cannot record pin of {}: {}", archiveFileName, e.getMessage());
            }
        });
    }

    @Override
    public void rescanNeeded() {
        worker.execute(this::resyncQuietly);
    }

    /** A pod went away: its archives may now be orphans. */
    public void podDeleted(String namespace) {
        worker.execute(() -> {
            try {
                applyNamespace(namespace);
            } catch (IOException e) {
                LOG.warn("cannot apply policy to namespace {}: {}", namespace, e.getMessage());
            }
        });
    }

    /** Deletes one archive on request (HTTP API), as crash-safely as retention does. */
    public boolean deleteArchive(String fileName) throws IOException {
        return call(() -> {
            boolean deleted = files.delete(fileName);
            index.remove(fileName);
            index.commit();
            return deleted;
        });
    }

    // ---- on the agent thread

    private void resyncQuietly() {
        try {
            DirectoryScanner.Result r = scanner.scan();
            metrics.archivesRead(r.read());
            applyAll();
        } catch (IOException | RuntimeException e) {
            LOG.warn("resync of {} failed: {}", config.checkpointDirectory(), e.getMessage());
        }
    }

    private void removeQuietly(String fileName) {
        try {
            ArchiveRecord old = index.remove(fileName);
            index.commit();
            if (old != null) {
                applyNamespace(old.namespace());
            }
        } catch (IOException e) {
            LOG.warn("cannot drop {} from the index: {}", fileName, e.getMessage());
        }
    }

    private RetentionPlan applyAll() throws IOException {
        return apply(index.all());
    }

    /** Retention never counts across namespaces, so a change needs only its namespace judged again. */
    private RetentionPlan applyNamespace(String namespace) throws IOException {
        return apply(index.inNamespace(namespace));
    }

    private RetentionPlan apply(List<ArchiveRecord> archives) throws IOException {
        if (policy == null) {
            return null;
        }
        Instant now = clock.instant();
        int dryRunLines = 0;
        RetentionPlan plan = RetentionEngine.plan(archives, policy, livePods.get(), now);
        for (RetentionExecutor.Outcome o : executor.execute(plan, config.dryRun())) {
            String archive = o.decision().archive().fileName();
            String reason = o.decision().describe();
            if (config.dryRun()) {
                if (deletions.wouldDelete(archive, reason, now) && dryRunLines++ < DRY_RUN_LINES_PER_PASS) {
                    LOG.info("would delete {}: {}", archive, reason);
                }
            } else if (o.done()) {
                deletions.deleted(archive, reason, now);
                LOG.info("deleted {}: {}", archive, reason);
            } else if (o.failure() != null) {
                LOG.warn("did not delete {}: {}", archive, o.failure());
            }
        }
        if (dryRunLines > DRY_RUN_LINES_PER_PASS) {
            LOG.info(
                    "would delete {} more archives (dry run; see the policy status)",
                    dryRunLines - DRY_RUN_LINES_PER_PASS);
        }
        if (!config.dryRun()) { // a dry run changes nothing outside the agent, registries included
            for (ArchiveRecord a : plan.exports()) {
                exports.submit(a, policy.export());
            }
        }
        lastApplied = now;
        status.report(report());
        return plan;
    }

    public NodeReport report() {
        DeletionLog.Snapshot deleted = deletions.snapshot();
        return new NodeReport(
                lastApplied,
                config.dryRun(),
                index.size(),
                index.totalBytes(),
                exports.pending(),
                deleted.deletedTotal(),
                deleted.wouldDeleteTotal(),
                deleted.recent());
    }

    /** On the agent's thread: the archive is recorded as exported only if the file is still the one pushed. */
    private void recordExport(ArchiveRecord archive, String reference) {
        try {
            ArchiveRecord current = index.get(archive.fileName());
            if (current != null && current.sameFileAs(archive.size(), archive.modifiedMillis())) {
                index.put(current.withExportedTo(reference));
                index.commit();
                applyNamespace(current.namespace());
            }
        } catch (IOException e) {
            LOG.warn("cannot record export of {}: {}", archive.fileName(), e.getMessage());
        }
    }

    private <T> T call(Callable<T> task) throws IOException {
        try {
            return worker.submit(task).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause().getMessage(), e.getCause());
        }
    }

    @Override
    public void close() throws IOException {
        if (watcher != null) {
            watcher.close();
        }
        exports.close();
        worker.shutdown();
        try {
            worker.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        index.close();
    }
}
