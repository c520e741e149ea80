package dev.amber.operator.cluster;

import dev.amber.api.v1alpha1.Checkpoint;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link Workloads} read from the API server. */
public final class KubernetesWorkloads implements Workloads {
    private static final Logger LOG = LoggerFactory.getLogger(KubernetesWorkloads.class);
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

    @Override
    public Optional<Checkpoint> checkpoint(String namespace, String name) {
        return Optional.ofNullable(client.resources(Checkpoint.class)
                .inNamespace(namespace)
                .withName(name)
                .get());
    }

    /**
     * Reading a Node needs {@code get} on nodes; an operator that may not (403) cannot tell, so it assumes the
     * node exists, knowing nothing of its runtime, and lets the kubelet's answer, or the Restore's timeout,
     * say otherwise.
     */
    @Override
    public Optional<Node> node(String name) {
        try {
            return Optional.ofNullable(client.nodes().withName(name).get());
        } catch (KubernetesClientException e) {
            if (e.getCode() != 403) {
                throw e;
            }
            LOG.warn("may not read node {} (grant get on nodes); assuming it exists", name);
            return Optional.of(new NodeBuilder()
                    .withNewMetadata()
                    .withName(name)
                    .endMetadata()
                    .build());
        }
    }

    @Override
    public List<Node> nodes() {
        return client.nodes().list().getItems();
    }

    @Override
    public boolean servesApiGroup(String group) {
        return client.getApiGroup(group) != null;
    }

    @Override
    public Checkpoint addFinalizer(Checkpoint checkpoint, String finalizer) {
        return PrimaryUpdateAndCacheUtils.addFinalizer(client, checkpoint, finalizer);
    }

    @Override
    public void removeFinalizer(Checkpoint checkpoint, String finalizer) {
        PrimaryUpdateAndCacheUtils.removeFinalizer(client, checkpoint, finalizer);
    }

    @Override
    public Pod createPod(Pod pod) {
        return client.pods()
                .inNamespace(pod.getMetadata().getNamespace())
                .resource(pod)
                .create();
    }
}
