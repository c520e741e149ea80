package dev.amber.agent.cluster;

import dev.amber.agent.node.NodeReport;
import dev.amber.agent.node.StatusSink;
import dev.amber.api.v1alpha1.CheckpointPolicy;
import dev.amber.api.v1alpha1.CheckpointPolicyStatus;
import dev.amber.api.v1alpha1.NodeRetentionStatus;
import dev.amber.kube.Conditions;
import dev.amber.kube.StatusWriter;
import dev.amber.retention.InvalidPolicyException;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes this node's entry of the policy's {@code status.nodes} and the {@code Valid} condition. Every
 * node's agent writes the same object, so each write goes through {@link StatusWriter} (a
 * read-modify-update retried on conflict); reports are coalesced to one write per interval, and a
 * report whose write failed is written in a later interval.
 */
public final class PolicyStatusWriter implements StatusSink, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PolicyStatusWriter.class);
    private static final int RECENT_IN_STATUS = 10;

    private final StatusWriter writer;
    private final String policyName;
    private final String nodeName;
    private final Clock clock;
    private final AtomicReference<NodeReport> pendingReport = new AtomicReference<>();
    private final AtomicReference<InvalidPolicyException> pendingRejection = new AtomicReference<>();
    private volatile boolean validSeen;
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "amber-status"));

    public PolicyStatusWriter(
            KubernetesClient client, String policyName, String nodeName, Duration interval, Clock clock) {
        this.writer = new StatusWriter(client);
        this.policyName = policyName;
        this.nodeName = nodeName;
        this.clock = clock;
        timer.scheduleWithFixedDelay(this::flush, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void report(NodeReport report) {
        pendingReport.set(report);
        validSeen = true;
    }

    @Override
    public void policyRejected(InvalidPolicyException problem) {
        pendingRejection.set(problem);
    }

    /** The policy was accepted: the next write marks it Valid. */
    public void policyAccepted() {
        pendingRejection.set(null);
        validSeen = true;
    }

    /**
     * Writes what is pending. A write that fails for any reason but the policy's deletion puts its
     * report back (unless a newer one arrived meanwhile, which supersedes it), so the next interval
     * writes it: a report is never lost to a transient error.
     */
    void flush() {
        NodeReport report = pendingReport.getAndSet(null);
        InvalidPolicyException rejection = pendingRejection.get();
        boolean valid = validSeen;
        if (report == null && rejection == null && !valid) {
            return;
        }
        validSeen = false;
        try {
            writer.write(CheckpointPolicy.class, null, policyName, policy -> write(policy, report, rejection));
        } catch (KubernetesClientException e) {
            if (report != null) {
                pendingReport.compareAndSet(null, report);
            }
            if (valid) {
                validSeen = true;
            }
            LOG.warn(
                    "cannot write status of CheckpointPolicy {} (trying again in the next interval): {}",
                    policyName,
                    e.getMessage());
        }
    }

    private void write(CheckpointPolicy policy, NodeReport report, InvalidPolicyException rejection) {
        CheckpointPolicyStatus status = policy.getStatus() == null ? new CheckpointPolicyStatus() : policy.getStatus();
        policy.setStatus(status);
        Long generation = policy.getMetadata().getGeneration();
        if (rejection != null) {
            Conditions.set(
                    status.conditions,
                    "Valid",
                    false,
                    "InvalidSpec",
                    rejection.getMessage(),
                    generation,
                    clock.instant());
        } else {
            Conditions.set(
                    status.conditions, "Valid", true, "Accepted", "the policy is applied", generation, clock.instant());
        }
        if (report == null) {
            return;
        }
        NodeRetentionStatus mine = status.nodes.stream()
                .filter(n -> nodeName.equals(n.nodeName))
                .findFirst()
                .orElse(null);
        if (mine == null) {
            mine = new NodeRetentionStatus();
            mine.nodeName = nodeName;
            status.nodes.add(mine);
        }
        mine.observedGeneration = generation;
        mine.lastApplied =
                report.lastApplied() == null ? null : report.lastApplied().toString();
        mine.dryRun = report.dryRun() ? true : null;
        mine.archives = report.archives();
        mine.bytes = report.bytes();
        mine.pendingExports = report.pendingExports();
        mine.deletedTotal = report.deletedTotal();
        // Absent unless in a dry run, as dryRun is: a deleting agent's status then has no count of what it did not do.
        mine.wouldDeleteTotal = report.dryRun() ? report.wouldDeleteTotal() : null;
        mine.recentDeletions = new ArrayList<>();
        int published = Math.min(RECENT_IN_STATUS, report.recentDeletions().size());
        for (NodeReport.Deletion d : report.recentDeletions().subList(0, published)) {
            mine.recentDeletions.add(new NodeRetentionStatus.Deletion(
                    d.archive(), d.reason(), d.time().toString()));
        }
        status.nodes.sort(Comparator.comparing(n -> n.nodeName));
    }

    @Override
    public void close() {
        flush();
        timer.shutdownNow();
    }
}
