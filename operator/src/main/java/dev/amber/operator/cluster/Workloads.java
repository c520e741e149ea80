package dev.amber.operator.cluster;

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
}
