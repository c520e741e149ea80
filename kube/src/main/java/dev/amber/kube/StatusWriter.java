package dev.amber.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.function.Consumer;

/**
 * Writes a resource's status as a change applied to its current state. Several writers may share one
 * object (every node's agent writes its own entry of a CheckpointPolicy's status), so each write is a
 * read-modify-update guarded by the resourceVersion the read returned: a 409 means someone wrote in
 * between, and the change is applied again to what is there now. Any other failure is thrown, never
 * swallowed, so that a caller can keep what it meant to write and try again later: a report is
 * only ever dropped by a caller that decides to.
 */
public final class StatusWriter {
    /** How a write ended when it did not throw. */
    public enum Outcome {
        WRITTEN,
        /** The resource no longer exists: there is nothing to write to. */
        RESOURCE_GONE
    }

    /** Conflicts in a row before giving up; each one means another writer made progress. */
    static final int MAX_CONFLICTS = 10;

    private final KubernetesClient client;

    public StatusWriter(KubernetesClient client) {
        this.client = client;
    }

    /**
     * Applies {@code change} to the current {@code type} named {@code name} and writes its status.
     *
     * @param namespace null for a cluster-scoped resource
     * @throws KubernetesClientException for any failure but a conflict, and after {@link #MAX_CONFLICTS} conflicts
     */
    public <R extends HasMetadata> Outcome write(Class<R> type, String namespace, String name, Consumer<R> change) {
        KubernetesClientException conflict = null;
        for (int attempt = 1; attempt <= MAX_CONFLICTS; attempt++) {
            R current = namespace == null
                    ? client.resources(type).withName(name).get()
                    : client.resources(type)
                            .inNamespace(namespace)
                            .withName(name)
                            .get();
            if (current == null) {
                return Outcome.RESOURCE_GONE;
            }
            change.accept(current);
            try {
                client.resource(current).updateStatus();
                return Outcome.WRITTEN;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
                conflict = e;
            }
        }
        throw conflict;
    }
}
