package dev.amber.operator.checkpoint;

import dev.amber.api.v1alpha1.Checkpoint;
import dev.amber.api.v1alpha1.CheckpointStatus;
import dev.amber.api.v1alpha1.ContainerCheckpointStatus;
import dev.amber.errors.OneLine;
import dev.amber.kube.agent.AgentClient;
import dev.amber.kube.agent.AgentException;
import dev.amber.operator.cluster.NodeAgents;
import dev.amber.operator.cluster.Registries;
import dev.amber.operator.cluster.Workloads;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What deleting a Checkpoint whose {@code deletionPolicy} is Delete does before the Checkpoint goes: each
 * container's archive is deleted through its node's agent, and each exported image from its registry (by the
 * manifest digest the status records, with the push Secret's credentials while the Secret is there).
 *
 * <p>Invariants: only what the Checkpoint's own status records is deleted, and each step is idempotent (an
 * archive or image already gone counts as deleted), so a deletion tried again after a failure picks up where
 * it stood. What may pass (an agent or a registry that cannot be reached) is tried again ({@link Outcome.Retry});
 * what only a person can change (an archive pinned with {@code .keep}, a refusal, a registry with deletion turned
 * off) is left where it is, named in the outcome, and the Checkpoint goes: a deletion never waits for ever, and
 * never deletes more than was asked.
 */
final class CheckpointDeletion {
    private final Workloads workloads;
    private final NodeAgents agents;
    private final Registries registries;

    CheckpointDeletion(Workloads workloads, NodeAgents agents, Registries registries) {
        this.workloads = workloads;
        this.agents = agents;
        this.registries = registries;
    }

    /** How a deletion ended: done (with what was deleted and what was left), or to be tried again. */
    sealed interface Outcome {
        record Done(List<String> deleted, List<String> kept) implements Outcome {}

        record Retry(String reason, String message) implements Outcome {}
    }

    Outcome delete(Checkpoint checkpoint) {
        CheckpointStatus status = checkpoint.getStatus();
        List<String> deleted = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        if (status == null) {
            return new Outcome.Done(deleted, kept);
        }
        Outcome.Retry archives = deleteArchives(status, deleted, kept);
        if (archives != null) {
            return archives;
        }
        String credentials = credentials(checkpoint);
        for (ContainerCheckpointStatus container : status.containers) {
            if (container.image == null) {
                continue;
            }
            try {
                if (registries.deleteImage(container.image, credentials)) {
                    deleted.add("image " + container.image);
                }
            } catch (Registries.RegistryUnreachable e) {
                return new Outcome.Retry(
                        "RegistryUnavailable", "cannot delete image " + container.image + ": " + e.getMessage());
            } catch (IOException e) {
                kept.add("image " + container.image + " (" + OneLine.of(e) + ")");
            }
        }
        return new Outcome.Done(deleted, kept);
    }

    /** Deletes the archives the status records; null when done, else why to try again. */
    private Outcome.Retry deleteArchives(CheckpointStatus status, List<String> deleted, List<String> kept) {
        List<String> archives = status.containers.stream()
                .filter(c -> c.archivePath != null)
                .map(c -> Path.of(c.archivePath).getFileName().toString())
                .toList();
        if (archives.isEmpty()) {
            return null;
        }
        AgentClient agent;
        try {
            agent = agents.onNode(status.nodeName);
        } catch (AgentException e) {
            if (workloads.node(status.nodeName).isEmpty()) {
                kept.add("the archives on node " + status.nodeName + ", which is gone from the cluster");
                return null;
            }
            if (!e.transientFailure()) {
                kept.add("the archives on node " + status.nodeName + " (" + e.getMessage() + ")");
                return null;
            }
            return new Outcome.Retry("AgentUnavailable", "cannot delete the archives: " + e.getMessage());
        }
        for (String archive : archives) {
            try {
                if (agent.deleteArchive(archive)) {
                    deleted.add("archive " + archive + " on node " + status.nodeName);
                }
            } catch (AgentException e) {
                if (e.transientFailure()) {
                    return new Outcome.Retry(
                            "AgentUnavailable", "cannot delete archive " + archive + ": " + e.getMessage());
                }
                kept.add("archive " + archive + " on node " + status.nodeName + " (" + e.getMessage() + ")");
            }
        }
        return null;
    }

    /** The push Secret's credentials, or null (anonymous) when there is none any more. */
    private String credentials(Checkpoint checkpoint) {
        var export = checkpoint.getSpec().export;
        if (export == null || export.pushSecretName == null) {
            return null;
        }
        try {
            return workloads.dockerConfigJson(checkpoint.getMetadata().getNamespace(), export.pushSecretName);
        } catch (IllegalArgumentException gone) {
            return null;
        }
    }
}
