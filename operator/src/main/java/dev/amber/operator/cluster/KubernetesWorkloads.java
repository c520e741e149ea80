package dev.amber.operator.cluster;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/** {@link Workloads} read from the API server. */
public final class KubernetesWorkloads implements Workloads {
    private static final String DOCKER_CONFIG_JSON = "kubernetes.io/dockerconfigjson";

    private final KubernetesClient client;

    public KubernetesWorkloads(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public Optional<Pod> pod(String namespace, String name) {
        return Optional.ofNullable(
                client.pods().inNamespace(namespace).withName(name).get());
    }

    @Override
    public String dockerConfigJson(String namespace, String secretName) {
        Secret secret =
                client.secrets().inNamespace(namespace).withName(secretName).get();
        if (secret == null) {
            throw new IllegalArgumentException("no Secret " + secretName + " in namespace " + namespace);
        }
        String data = secret.getData() == null ? null : secret.getData().get(".dockerconfigjson");
        if (!DOCKER_CONFIG_JSON.equals(secret.getType()) || data == null) {
            throw new IllegalArgumentException("Secret " + namespace + "/" + secretName + " is not of type "
                    + DOCKER_CONFIG_JSON + " with a .dockerconfigjson key");
        }
        return new String(Base64.getDecoder().decode(data), StandardCharsets.UTF_8);
    }
}
