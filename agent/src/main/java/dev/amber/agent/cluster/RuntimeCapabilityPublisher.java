package dev.amber.agent.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amber.api.v1alpha1.RuntimeCapability;
import dev.amber.cri.RuntimeProbe;
import dev.amber.errors.OneLine;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes what this node's container runtime can do with checkpoints on this node's Node object: the
 * label {@link RuntimeCapability#RESTORE_LABEL} and the annotation {@link RuntimeCapability#ANNOTATION}.
 * The runtime is asked at start and then every interval, since its configuration can change under a running
 * agent (a restarted containerd with restore turned on or off).
 *
 * <p>Invariant: the Node is patched only when what the runtime says changed (its {@code observedAt} aside),
 * or when the Node lost the label, so that a quiet cluster costs one CRI call and one Node read per node per
 * interval, and no writes. A patch that fails is tried again at the next interval. Only the two keys are patched (a JSON
 * merge patch), so nothing else on the Node is touched.
 */
public final class RuntimeCapabilityPublisher implements AutoCloseable {
    /** Tries in a row without an answer from the runtime before the Node says it cannot be asked. */
    static final int UNANSWERED_BEFORE_REPORTED = 3;

    private static final Logger LOG = LoggerFactory.getLogger(RuntimeCapabilityPublisher.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KubernetesClient client;
    private final String nodeName;
    private final Supplier<RuntimeCapability> probe;
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "amber-runtime-capability"));
    private RuntimeCapability published;
    private int unansweredInARow;

    public RuntimeCapabilityPublisher(KubernetesClient client, String nodeName, RuntimeProbe probe) {
        this(client, nodeName, probe::probe);
    }

    /** @param probe what the runtime says, each time it is asked */
    RuntimeCapabilityPublisher(KubernetesClient client, String nodeName, Supplier<RuntimeCapability> probe) {
        this.client = client;
        this.nodeName = nodeName;
        this.probe = probe;
    }

    /** Publishes now, then every {@code interval}. Returns what was found first. */
    public RuntimeCapability start(Duration interval) {
        RuntimeCapability first = publish();
        timer.scheduleWithFixedDelay(
                this::publishQuietly, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        return first;
    }

    private void publishQuietly() {
        try {
            publish();
        } catch (RuntimeException | LinkageError e) {
            // Whatever it was, the timer must keep running: a task that throws is never run again.
            LOG.warn("node {}: could not publish the runtime's capability: {}", nodeName, OneLine.of(e));
        }
    }

    /**
     * Asks the runtime and patches the Node when the answer changed; returns the answer. A runtime that cannot
     * be asked (restarting, say) is reported so only after {@link #UNANSWERED_BEFORE_REPORTED} tries in a row:
     * one missed answer does not mark a node unable to restore and refuse every Restore to it.
     */
    synchronized RuntimeCapability publish() {
        RuntimeCapability now = probe.get();
        boolean unanswered = now.runtime() == null;
        unansweredInARow = unanswered ? unansweredInARow + 1 : 0;
        if (unanswered
                && published != null
                && published.runtime() != null
                && unansweredInARow < UNANSWERED_BEFORE_REPORTED) {
            LOG.warn(
                    "node {}: {} (try {} of {} before it is reported)",
                    nodeName,
                    now.restoreReason(),
                    unansweredInARow,
                    UNANSWERED_BEFORE_REPORTED);
            return published;
        }
        if (sameExceptTime(now, published) && labelled(now)) {
            return now;
        }
        ObjectNode patch = JSON.createObjectNode();
        ObjectNode metadata = patch.putObject("metadata");
        metadata.putObject("labels").put(RuntimeCapability.RESTORE_LABEL, now.restoreBackend());
        try {
            metadata.putObject("annotations").put(RuntimeCapability.ANNOTATION, JSON.writeValueAsString(now));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        try {
            client.nodes().withName(nodeName).patch(PatchContext.of(PatchType.JSON_MERGE), patch.toString());
            published = now;
            if (now.canRestore()) {
                LOG.info(
                        "node {}: {} {} restores ({})",
                        nodeName,
                        now.runtime(),
                        now.runtimeVersion(),
                        now.restoreBackend());
            } else {
                LOG.info(
                        "node {}: {} cannot restore: {}{}",
                        nodeName,
                        now.runtime(),
                        now.restoreReason(),
                        now.remedy() == null ? "" : "; to enable: " + now.remedy());
            }
        } catch (KubernetesClientException e) {
            LOG.warn("node {}: could not label the Node with its runtime's capability: {}", nodeName, OneLine.of(e));
        }
        return now;
    }

    /** Whether the Node's label says what {@code now} says (a label changed by hand is put right). */
    private boolean labelled(RuntimeCapability now) {
        Node node = client.nodes().withName(nodeName).get();
        return node != null
                && node.getMetadata().getLabels() != null
                && now.restoreBackend().equals(node.getMetadata().getLabels().get(RuntimeCapability.RESTORE_LABEL));
    }

    private static boolean sameExceptTime(RuntimeCapability a, RuntimeCapability b) {
        return b != null
                && Objects.equals(a.runtime(), b.runtime())
                && Objects.equals(a.runtimeVersion(), b.runtimeVersion())
                && a.checkpoint() == b.checkpoint()
                && Objects.equals(a.checkpointReason(), b.checkpointReason())
                && Objects.equals(a.restoreBackend(), b.restoreBackend())
                && Objects.equals(a.restoreReason(), b.restoreReason())
                && Objects.equals(a.remedy(), b.remedy());
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
