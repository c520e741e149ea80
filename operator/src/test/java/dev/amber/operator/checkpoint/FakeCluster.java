package dev.amber.operator.checkpoint;

import dev.amber.api.v1alpha1.DumpStatistics;
import dev.amber.kube.agent.AgentClient;
import dev.amber.kube.agent.AgentException;
import dev.amber.kube.agent.CheckpointOperation;
import dev.amber.kube.agent.CheckpointRequest;
import dev.amber.operator.cluster.NodeAgents;
import dev.amber.operator.cluster.Workloads;
import dev.amber.operator.status.Events;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The operator's three seams in memory, for unit tests of the controller's decisions: pods and secrets,
 * one agent per node (which runs an operation only when the test says it finished), and the Events.
 * The real seams are exercised against the local cluster.
 */
final class FakeCluster implements Workloads, NodeAgents, Events {
    final Map<String, Pod> pods = new HashMap<>();
    final Map<String, String> secrets = new HashMap<>();
    final Map<String, FakeAgent> agents = new HashMap<>();
    final List<String> events = new ArrayList<>();

    static Pod runningPod(String namespace, String name, String node, String... containers) {
        PodBuilder pod = new PodBuilder()
                .withNewMetadata()
                .withNamespace(namespace)
                .withName(name)
                .addToLabels("app", name)
                .endMetadata()
                .withNewSpec()
                .withNodeName(node)
                .endSpec()
                .withNewStatus()
                .endStatus();
        for (String c : containers) {
            pod.editSpec()
                    .addNewContainer()
                    .withName(c)
                    .withImage("busybox")
                    .endContainer()
                    .endSpec();
            pod.editStatus()
                    .addNewContainerStatus()
                    .withName(c)
                    .withNewState()
                    .withNewRunning()
                    .endRunning()
                    .endState()
                    .endContainerStatus()
                    .endStatus();
        }
        return pod.build();
    }

    FakeAgent agentOn(String node) {
        return agents.computeIfAbsent(node, n -> new FakeAgent());
    }

    @Override
    public Optional<Pod> pod(String namespace, String name) {
        return Optional.ofNullable(pods.get(namespace + "/" + name));
    }

    @Override
    public String dockerConfigJson(String namespace, String secretName) {
        String json = secrets.get(namespace + "/" + secretName);
        if (json == null) {
            throw new IllegalArgumentException("no Secret " + secretName + " in namespace " + namespace);
        }
        return json;
    }

    @Override
    public AgentClient onNode(String node) throws AgentException {
        FakeAgent agent = agents.get(node);
        if (agent == null) {
            throw new AgentException("no Ready amber agent on node " + node, 0, null);
        }
        return agent;
    }

    @Override
    public void normal(HasMetadata resource, String reason, String message) {
        events.add("Normal " + reason + ": " + message);
    }

    @Override
    public void warning(HasMetadata resource, String reason, String message) {
        events.add("Warning " + reason + ": " + message);
    }

    /** An agent whose operations stay RUNNING until {@link #finish} or {@link #fail}. */
    static final class FakeAgent implements AgentClient {
        final Map<String, CheckpointOperation> operations = new LinkedHashMap<>();
        final List<CheckpointRequest> started = new ArrayList<>();
        String busyContainer;

        @Override
        public CheckpointOperation start(CheckpointRequest request) throws AgentException {
            if (request.container().equals(busyContainer)) {
                throw new AgentException("another checkpoint of " + request.container() + " is under way", 409, null);
            }
            started.add(request);
            return operations.computeIfAbsent(
                    request.id(),
                    id -> new CheckpointOperation(
                            id, CheckpointOperation.State.RUNNING, null, null, null, null, null, null, null));
        }

        @Override
        public Optional<CheckpointOperation> find(String id) {
            return Optional.ofNullable(operations.get(id));
        }

        void finish(String id, String at, String image) {
            DumpStatistics stats = new DumpStatistics();
            stats.frozenTimeMicros = 1234L;
            stats.pagesWritten = 77L;
            operations.put(
                    id,
                    new CheckpointOperation(
                            id,
                            CheckpointOperation.State.SUCCEEDED,
                            "/var/lib/kubelet/checkpoints/" + id + ".tar",
                            4096L,
                            image,
                            stats,
                            at,
                            null,
                            null));
        }

        void fail(String id, String reason, String message) {
            operations.put(
                    id,
                    new CheckpointOperation(
                            id, CheckpointOperation.State.FAILED, null, null, null, null, null, reason, message));
        }
    }
}
