package dev.amber.operator.cluster;

import dev.amber.api.v1alpha1.Checkpoint;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Optional;

/** The workloads the operator acts on, as the API server has them. */
public interface Workloads {
    Optional<Pod> pod(String namespace, String name);

    /**
     * The {@code .dockerconfigjson} of a {@code kubernetes.io/dockerconfigjson} Secret.
     *
     * @throws IllegalArgumentException naming what is wrong: no such Secret, or another type
     */
    String dockerConfigJson(String namespace, String secretName);

    /** A Checkpoint, which a Restore brings back. */
    Optional<Checkpoint> checkpoint(String namespace, String name);

    /** The Node of this name, which a Restore's pod is pinned to; empty when there is none. */
    Optional<Node> node(String name);

    /** Every Node, among which a Restore without a target node is placed. */
    List<Node> nodes();

    /** Whether the API server serves this API group (discovery). */
    boolean servesApiGroup(String group);

    /** Adds a finalizer to a Checkpoint (a patch of its metadata alone); the Checkpoint as it now is. */
    Checkpoint addFinalizer(Checkpoint checkpoint, String finalizer);

    /** Removes a finalizer from a Checkpoint, which then goes if it is being deleted. */
    void removeFinalizer(Checkpoint checkpoint, String finalizer);

    /** Creates a pod as given; the API server's answer, with its uid. */
    Pod createPod(Pod pod);
}
