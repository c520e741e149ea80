package dev.amber.operator.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.amber.api.v1alpha1.RuntimeCapability;
import io.fabric8.kubernetes.api.model.Node;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/** What a node's agent published on its Node about the node's container runtime ({@link RuntimeCapability}). */
public final class NodeCapabilities {
    private static final ObjectMapper JSON = new ObjectMapper();

    private NodeCapabilities() {}

    /**
     * What the node's agent published about its runtime, empty when it published nothing. Whether the node can
     * restore is its label's word, since the label is what the scheduler matches; the annotation only adds the
     * runtime's reason and remedy, and is read only where it agrees with the label.
     */
    public static Optional<RuntimeCapability> of(Node node) {
        Map<String, String> labels = node.getMetadata().getLabels();
        String backend = labels == null ? null : labels.get(RuntimeCapability.RESTORE_LABEL);
        if (backend == null) {
            return Optional.empty();
        }
        Map<String, String> annotations = node.getMetadata().getAnnotations();
        String json = annotations == null ? null : annotations.get(RuntimeCapability.ANNOTATION);
        if (json != null) {
            try {
                RuntimeCapability published = JSON.readValue(json, RuntimeCapability.class);
                if (backend.equals(published.restoreBackend())) {
                    return Optional.of(published);
                }
            } catch (IOException e) {
                // The label alone, below: it is what placement needs.
            }
        }
        // The label alone says nothing of checkpointing: nothing is held against it.
        boolean restores = RuntimeCapability.CREATE_CONTAINER.equals(backend);
        return Optional.of(new RuntimeCapability(
                null, null, true, null, backend, restores ? null : "its label says " + backend, null, null));
    }
}
