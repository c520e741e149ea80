package dev.amber.testkit.cluster;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.List;
import java.util.Map;

/**
 * What the agent's cluster tests share: a pod to checkpoint, and a CheckpointPolicy that governs
 * only that pod, so that the archives other tests leave in a node's shared checkpoint directory are
 * never touched.
 */
public final class AgentFixtures {
    private AgentFixtures() {}

    /** A pod on {@code node} that sleeps in a loop, labelled {@code app=NAME}, with one container "main". */
    public static Pod sleeper(TestNamespace namespace, String name, String node) {
        return new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(namespace.name())
                .addToLabels("app", name)
                .endMetadata()
                .withNewSpec()
                .withNodeSelector(Map.of("kubernetes.io/hostname", node))
                .withRestartPolicy("Never")
                .withTerminationGracePeriodSeconds(1L)
                .addNewContainer()
                .withName("main")
                .withImage(LocalCluster.TEST_IMAGE)
                .withImagePullPolicy("Never")
                .withCommand(List.of("/bin/sh", "-c", "while true; do sleep 1; done"))
                .endContainer()
                .endSpec()
                .build();
    }

    /**
     * A CheckpointPolicy (YAML) that keeps one checkpoint of {@code pod} and none once the pod is gone,
     * with every global level off, applied at once.
     */
    public static String policyKeepingOneCheckpointOf(String policyName, TestNamespace namespace, String pod) {
        return """
                apiVersion: amber.dev/v1alpha1
                kind: CheckpointPolicy
                metadata: {name: %s}
                spec:
                  applyPoliciesImmediately: true
                  globalPolicy: {maxCheckpointsPerContainer: 0, maxCheckpointsPerPod: 0, maxCheckpointsPerNamespace: 0}
                  podPolicies: [{namespace: %s, pod: %s, maxCheckpoints: 1, retainOrphan: false}]
                """.formatted(policyName, namespace.name(), pod);
    }
}
