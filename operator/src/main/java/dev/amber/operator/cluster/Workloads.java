package dev.amber.operator.cluster;

import dev.amber.api.v1alpha1.Checkpoint;
import io.fabric8.kubernetes.api.model.Pod;
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

    /** Whether the cluster has a Node of this name, which a Restore's pod is pinned to. */
    boolean nodeExists(String name);

    /** Creates a pod as given; the API server's answer, with its uid. */
    Pod createPod(Pod pod);
}
