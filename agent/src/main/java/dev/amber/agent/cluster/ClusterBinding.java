package dev.amber.agent.cluster;

import dev.amber.agent.node.NodeAgent;
import dev.amber.agent.retention.LivePodsFiles;
import dev.amber.api.v1alpha1.CheckpointPolicy;
import dev.amber.kube.policy.PolicyValidator;
import dev.amber.retention.ArchiveRecord;
import dev.amber.retention.InvalidPolicyException;
import dev.amber.retention.LivePods;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connects a {@link NodeAgent} to the cluster: the named CheckpointPolicy (an informer, so edits apply at
 * once), this node's pods and all namespaces (for orphans and pod labels). Until the pod and namespace
 * informers have synced, the agent is told the live pods are unknown, so nothing is taken for an orphan.
 */
public final class ClusterBinding implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterBinding.class);

    private final KubernetesClient client;
    private final String policyName;
    private final String nodeName;
    private SharedIndexInformer<Pod> pods;
    private SharedIndexInformer<Namespace> namespaces;
    private SharedIndexInformer<CheckpointPolicy> policies;

    public ClusterBinding(KubernetesClient client, String policyName, String nodeName) {
        this.client = client;
        this.policyName = policyName;
        this.nodeName = nodeName;
    }

    /** Starts the pod and namespace informers; call before the agent starts so labels are known early. */
    public void startPodInformers(Runnable onSynced) {
        pods = client.pods()
                .inAnyNamespace()
                .withField("spec.nodeName", nodeName)
                .runnableInformer(0);
        namespaces = client.namespaces().runnableInformer(0);
        pods.start().thenCombine(namespaces.start(), (a, b) -> null).thenRun(onSynced);
    }

    /** Follows the policy; status and the agent hear of every valid or invalid version. */
    public void followPolicy(NodeAgent agent, PolicyStatusWriter status) {
        pods.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {}

            @Override
            public void onUpdate(Pod oldPod, Pod newPod) {}

            @Override
            public void onDelete(Pod pod, boolean unknownFinalState) {
                agent.podDeleted(pod.getMetadata().getNamespace());
            }
        });
        policies = client.resources(CheckpointPolicy.class).withName(policyName).inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(CheckpointPolicy policy) {
                apply(policy);
            }

            @Override
            public void onUpdate(CheckpointPolicy oldPolicy, CheckpointPolicy newPolicy) {
                if (!Objects.equals(
                        oldPolicy.getMetadata().getGeneration(),
                        newPolicy.getMetadata().getGeneration())) {
                    apply(newPolicy);
                }
            }

            @Override
            public void onDelete(CheckpointPolicy policy, boolean unknownFinalState) {
                LOG.info("CheckpointPolicy {} deleted: no archive is deleted until it is back", policyName);
                agent.setPolicy(null);
            }

            private void apply(CheckpointPolicy policy) {
                try {
                    agent.setPolicy(PolicyValidator.validate(policy.getSpec()));
                    status.policyAccepted();
                    LOG.info(
                            "applying CheckpointPolicy {} generation {}",
                            policyName,
                            policy.getMetadata().getGeneration());
                } catch (InvalidPolicyException e) {
                    agent.policyRejected(e);
                }
            }
        });
    }

    /** The pods of this node and the namespaces, or null until both informers have synced. */
    public LivePods livePods() {
        if (pods == null || !pods.hasSynced() || !namespaces.hasSynced()) {
            return null;
        }
        return LivePodsFiles.of(pods.getStore().list(), namespaces.getStore().list());
    }

    /** Records the pod's labels with a newly read archive, for selectors once the pod is gone. */
    public ArchiveRecord withPodLabels(ArchiveRecord record) {
        if (pods == null || record.pod().isEmpty()) {
            return record;
        }
        Pod pod = pods.getStore().getByKey(record.namespace() + "/" + record.pod());
        if (pod == null || pod.getMetadata().getLabels() == null) {
            return record;
        }
        Map<String, String> labels = new HashMap<>(record.labels());
        labels.putAll(pod.getMetadata().getLabels());
        return record.withLabels(labels);
    }

    @Override
    public void close() {
        for (SharedIndexInformer<?> i : new SharedIndexInformer<?>[] {policies, pods, namespaces}) {
            if (i != null) {
                i.close();
            }
        }
    }
}
