package dev.amber.agent.checkpoint;

import dev.amber.agent.export.TargetExporter;
import dev.amber.agent.store.ArchiveFiles;
import dev.amber.errors.OneLine;
import dev.amber.kube.agent.CheckpointOperation;
import dev.amber.kube.agent.CheckpointOperation.State;
import dev.amber.kube.agent.CheckpointRequest;
import dev.amber.kube.kubelet.KubeletCheckpointClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checkpoints callers (the operator) asked this node's agent for, by request id: each runs once, on a virtual
 * thread of its own ({@link CheckpointSteps}: kubelet, archive, export), and is kept to be asked about.
 *
 * <p>Invariants, and why:
 * <ul>
 *   <li>One operation per id. Starting a known id returns that operation, running or finished, and starts nothing:
 *       a caller that restarted, or a second replica that took over, follows the work instead of freezing the
 *       container a second time. An id reused for another container is refused, so a known id never shows a
 *       caller an operation in a namespace other than the one it was authorised for.</li>
 *   <li>At most one RUNNING operation per container (namespace, pod, container): the kubelet would freeze it
 *       twice over, and the second dump would race the first over the same processes. A second id is refused as busy
 *       until the first finishes.</li>
 *   <li>Memory is bounded. At most {@link #MAX_RUNNING} run at once (beyond that the node is asked too much, and
 *       the caller is told to try later); a finished operation is kept for {@link #KEEP_FINISHED} or until
 *       {@link #MAX_FINISHED} newer ones finished, whichever comes first, then forgotten (asking for it then is
 *       asking for an unknown id: the caller looks for the archive or image it already read, or checkpoints
 *       again). Nothing survives a restart of the agent, which callers see as unknown ids.</li>
 *   <li>An operation always finishes: whatever a step throws, it ends FAILED, so its container is never left busy.
 *       Credentials of an export target are held by the running operation alone, never by the table that outlives
 *       it, and never logged.</li>
 * </ul>
 *
 * <p>Thread-safe: every table is guarded by this object's lock, held only for bookkeeping, never across a step.
 */
public final class CheckpointOperations implements AutoCloseable {
    /** How long a finished operation is kept, at most. */
    public static final Duration KEEP_FINISHED = Duration.ofHours(1);
    /** How many finished operations are kept, at most; the oldest are forgotten first. */
    public static final int MAX_FINISHED = 1000;
    /** How many operations run at once, at most; more is a transient refusal. */
    public static final int MAX_RUNNING = 256;

    /** The kubelet gave no answer within the request's timeout (the checkpoint may still have been taken). */
    public static final String KUBELET_TIMEOUT = "KubeletTimeout";
    /** The kubelet could not be reached, or its TLS could not be verified. */
    public static final String KUBELET_UNREACHABLE = "KubeletUnreachable";
    /** The kubelet (or the API server's node proxy) refused: 401, 403, 404 (no such container, feature gate off). */
    public static final String KUBELET_REFUSED = "KubeletRefused";
    /** The kubelet tried and failed (5xx, CRIU's error), or answered without naming an archive. */
    public static final String CHECKPOINT_FAILED = "CheckpointFailed";
    /** The kubelet wrote an archive the agent cannot see in its checkpoint directory. */
    public static final String ARCHIVE_NOT_FOUND = "ArchiveNotFound";
    /** The push failed or could not be verified; the archive stays on the node. */
    public static final String EXPORT_FAILED = "ExportFailed";
    /** The agent stopped while the operation ran. */
    public static final String AGENT_STOPPING = "AgentStopping";
    /** A fault of the agent's own; its log has the stack trace. */
    public static final String INTERNAL_ERROR = "InternalError";

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointOperations.class);
    private static final int MAX_ID_LENGTH = 512;
    private static final Duration STOP_WAIT = Duration.ofSeconds(10);

    /** What {@link #start} did. */
    public sealed interface Outcome permits Started, Refused {}

    /** @param created a new operation was started; false when the id was known */
    public record Started(CheckpointOperation operation, boolean created) implements Outcome {}

    /** Nothing was started. */
    public record Refused(Why why, String message) implements Outcome {}

    public enum Why {
        /** The request is malformed: asking again will not help. */
        INVALID,
        /** Another operation checkpoints the same container: ask again once it finished. */
        BUSY,
        /** The id names an operation on another container. */
        ID_IN_USE,
        /** The agent is stopping, or runs as many operations as it will: ask again later. */
        UNAVAILABLE
    }

    /** A known operation and the container it is about, which decides who may read it. */
    public record Tracked(String namespace, String pod, String container, CheckpointOperation operation) {}

    private record Target(String namespace, String pod, String container) {
        @Override
        public String toString() {
            return namespace + "/" + pod + "/" + container;
        }
    }

    /** Mutable, guarded by the lock of the {@link CheckpointOperations} that holds it. */
    private static final class Entry {
        private final String id;
        private final Target target;
        private CheckpointOperation state;
        private Instant finishedAt;

        private Entry(String id, Target target, CheckpointOperation state) {
            this.id = id;
            this.target = target;
            this.state = state;
        }
    }

    private final CheckpointSteps steps;
    private final TargetExporter exporter;
    private final Clock clock;
    private final Duration keepFinished;
    private final int maxFinished;
    private final int maxRunning;
    private final ExecutorService workers = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("amber-checkpoint-", 0).factory());
    private final Map<String, Entry> byId = new HashMap<>();
    private final Map<Target, String> runningOn = new HashMap<>();
    /** Finished entries in the order they finished, so the oldest is forgotten first. */
    private final Deque<Entry> finished = new ArrayDeque<>();

    private boolean closed;

    /**
     * @param files the checkpoint directory as the agent sees it, where the kubelet's archives are read
     */
    public CheckpointOperations(
            KubeletCheckpointClient kubelet, ArchiveFiles files, TargetExporter exporter, Clock clock) {
        this(kubelet, files, exporter, clock, KEEP_FINISHED, MAX_FINISHED, MAX_RUNNING);
    }

    CheckpointOperations(
            KubeletCheckpointClient kubelet,
            ArchiveFiles files,
            TargetExporter exporter,
            Clock clock,
            Duration keepFinished,
            int maxFinished,
            int maxRunning) {
        this.steps = new CheckpointSteps(kubelet, files, exporter, clock);
        this.exporter = exporter;
        this.clock = clock;
        this.keepFinished = keepFinished;
        this.maxFinished = maxFinished;
        this.maxRunning = maxRunning;
    }

    /**
     * What makes the request one that cannot be run, on one line that quotes no credential; empty when it can.
     * {@link #start} refuses such a request as {@link Why#INVALID}; callers check first to refuse it before
     * authorising (a request without a namespace has nothing to authorise against).
     */
    public Optional<String> problem(CheckpointRequest request) {
        if (request == null) {
            return Optional.of("no checkpoint request");
        }
        if (blank(request.id())) {
            return Optional.of("id is required");
        }
        if (request.id().length() > MAX_ID_LENGTH || request.id().chars().anyMatch(Character::isISOControl)) {
            return Optional.of("id must be at most " + MAX_ID_LENGTH + " characters, none a control character");
        }
        if (blank(request.namespace()) || blank(request.pod()) || blank(request.container())) {
            return Optional.of("namespace, pod and container are required");
        }
        if (request.timeoutSeconds() < 1) {
            return Optional.of("timeoutSeconds must be at least 1");
        }
        if (request.export() != null) {
            if (blank(request.export().reference())) {
                return Optional.of("export.reference is required when export is given");
            }
            return exporter.problem(request.export());
        }
        return Optional.empty();
    }

    /** Starts the checkpoint the request asks for, or returns the operation already known under its id. */
    public synchronized Outcome start(CheckpointRequest request) {
        Optional<String> problem = problem(request);
        if (problem.isPresent()) {
            return new Refused(Why.INVALID, problem.get());
        }
        forgetOld();
        Target target = new Target(request.namespace(), request.pod(), request.container());
        Entry known = byId.get(request.id());
        if (known != null) {
            if (!known.target.equals(target)) {
                return new Refused(
                        Why.ID_IN_USE, "operation " + request.id() + " checkpoints another container than " + target);
            }
            return new Started(known.state, false);
        }
        String running = runningOn.get(target);
        if (running != null) {
            return new Refused(
                    Why.BUSY,
                    "a checkpoint of " + target + " is under way (operation " + running + "); try again later");
        }
        if (closed) {
            return new Refused(Why.UNAVAILABLE, "the agent is stopping");
        }
        if (runningOn.size() >= maxRunning) {
            return new Refused(
                    Why.UNAVAILABLE,
                    runningOn.size() + " checkpoints are under way on this node, the most the agent runs at once;"
                            + " try again later");
        }
        Entry entry = new Entry(
                request.id(),
                target,
                new CheckpointOperation(
                        request.id(),
                        State.RUNNING,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        "checkpointing " + target + " through the kubelet"));
        byId.put(entry.id, entry);
        runningOn.put(target, entry.id);
        try {
            workers.execute(() -> run(entry, request));
        } catch (RejectedExecutionException e) {
            byId.remove(entry.id);
            runningOn.remove(target);
            return new Refused(Why.UNAVAILABLE, "the agent is stopping");
        }
        LOG.info(
                "checkpoint {} of {} started{}",
                entry.id,
                target,
                request.export() == null
                        ? ""
                        : ", to be pushed to " + request.export().reference());
        return new Started(entry.state, true);
    }

    /** The operation known under {@code id}, or empty when there is none (never started, forgotten, or restarted). */
    public synchronized Optional<Tracked> find(String id) {
        forgetOld();
        Entry e = byId.get(id);
        return e == null
                ? Optional.empty()
                : Optional.of(new Tracked(e.target.namespace(), e.target.pod(), e.target.container(), e.state));
    }

    private void run(Entry entry, CheckpointRequest request) {
        CheckpointOperation result = null;
        try {
            result = steps.run(request, running -> progress(entry, running));
        } catch (RuntimeException e) {
            LOG.error("checkpoint {} of {} failed in the agent", entry.id, entry.target, e);
            result = failed(entry, INTERNAL_ERROR, "the agent failed: " + OneLine.of(e));
        } finally {
            // An Error (out of memory) still ends the operation, or the container would stay busy for good.
            finish(entry, result != null ? result : failed(entry, INTERNAL_ERROR, "the agent failed"));
        }
    }

    private synchronized void progress(Entry entry, CheckpointOperation running) {
        entry.state = running;
    }

    private synchronized void finish(Entry entry, CheckpointOperation result) {
        entry.state = result;
        entry.finishedAt = clock.instant();
        runningOn.remove(entry.target, entry.id);
        finished.addLast(entry);
        forgetOld();
        if (result.state() == State.SUCCEEDED) {
            LOG.info("checkpoint {} of {} succeeded: {}", entry.id, entry.target, result.message());
        } else {
            LOG.warn("checkpoint {} of {} failed ({}): {}", entry.id, entry.target, result.reason(), result.message());
        }
    }

    /** Keeps what the steps had found (the archive above all), with the failure. */
    private static CheckpointOperation failed(Entry entry, String reason, String message) {
        CheckpointOperation s = entry.state;
        return new CheckpointOperation(
                entry.id,
                State.FAILED,
                s.archivePath(),
                s.archiveSize(),
                null,
                s.dumpStatistics(),
                s.checkpointedAt(),
                reason,
                message);
    }

    private void forgetOld() {
        Instant oldest = clock.instant().minus(keepFinished);
        while (!finished.isEmpty()
                && (finished.size() > maxFinished
                        || !finished.peekFirst().finishedAt.isAfter(oldest))) {
            Entry gone = finished.removeFirst();
            byId.remove(gone.id, gone);
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    /**
     * Refuses new operations and interrupts the running ones (a kubelet call in flight is abandoned; the kubelet may
     * still write its archive, which the agent indexes like any other), waiting a little for them to end.
     */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        workers.shutdownNow();
        try {
            if (!workers.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("checkpoint operations still running after {} s; leaving them", STOP_WAIT.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
