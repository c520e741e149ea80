package dev.amber.operator.checkpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.amber.api.v1alpha1.Checkpoint;
import dev.amber.api.v1alpha1.DumpStatistics;
import dev.amber.api.v1alpha1.RuntimeCapability;
import dev.amber.image.CheckpointImageInfo;
import dev.amber.kube.agent.AgentClient;
import dev.amber.kube.agent.AgentException;
import dev.amber.kube.agent.CheckpointOperation;
import dev.amber.kube.agent.CheckpointRequest;
import dev.amber.operator.cluster.NodeAgents;
import dev.amber.operator.cluster.Registries;
import dev.amber.operator.cluster.Workloads;
import dev.amber.operator.status.Events;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The operator's three seams in memory, for unit tests of the controller's decisions: pods and secrets,
 * one agent per node (which runs an operation only when the test says it finished), and the Events.
 * Checkpoints and nodes for the Restore controller. The real seams are exercised against the local cluster.
 */
public final class FakeCluster implements Workloads, NodeAgents, Events, Registries {
    public final Map<String, Pod> pods = new HashMap<>();
    public final Map<String, String> secrets = new HashMap<>();
    public final Map<String, FakeAgent> agents = new HashMap<>();
    public final Map<String, Checkpoint> checkpoints = new HashMap<>();
    public final Map<String, Node> nodes = new TreeMap<>();
    /** Nodes whose agent pod is there but not Ready. */
    public final Set<String> notReady = new TreeSet<>();
    /** Whether discovery shows the pod-level checkpoint API. */
    public boolean podLevelServed;
    /** The pods created through {@link #createPod}, in order. */
    public final List<Pod> created = new ArrayList<>();

    public final List<String> events = new ArrayList<>();
    /** Images (by digest) the registry holds; {@link #deleteImage} removes them. */
    public final Set<String> images = new TreeSet<>();
    /** What the registry says of images it holds, by reference; {@link #inspect} of another is "no image". */
    public final Map<String, CheckpointImageInfo> imageInfos = new HashMap<>();
    /** When set, every registry call fails so. */
    public IOException registryFailure;

    public static Pod runningPod(String namespace, String name, String node, String... containers) {
        PodBuilder pod = new PodBuilder()
                .withNewMetadata()
                .withNamespace(namespace)
                .withName(name)
                .withUid("uid-pod-" + name)
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
    public Optional<Checkpoint> checkpoint(String namespace, String name) {
        return Optional.ofNullable(checkpoints.get(namespace + "/" + name));
    }

    /** A node whose agent published the given capability; null for a node without any. */
    public void addNode(String name, RuntimeCapability capability) {
        NodeBuilder node = new NodeBuilder().withNewMetadata().withName(name).endMetadata();
        if (capability != null) {
            try {
                node.editMetadata()
                        .addToLabels(RuntimeCapability.RESTORE_LABEL, capability.restoreBackend())
                        .addToAnnotations(
                                RuntimeCapability.ANNOTATION, new ObjectMapper().writeValueAsString(capability))
                        .endMetadata();
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        nodes.put(name, node.build());
    }

    @Override
    public Optional<Node> node(String name) {
        return Optional.ofNullable(nodes.get(name));
    }

    @Override
    public List<Node> nodes() {
        return List.copyOf(nodes.values());
    }

    @Override
    public boolean servesApiGroup(String group) {
        return podLevelServed && group.equals("checkpoint.k8s.io");
    }

    @Override
    public Checkpoint addFinalizer(Checkpoint checkpoint, String finalizer) {
        // As the API server answers a patch: a copy, with a new resourceVersion.
        Checkpoint stored = Serialization.clone(checkpoint);
        stored.addFinalizer(finalizer);
        String version = checkpoint.getMetadata().getResourceVersion();
        stored.getMetadata().setResourceVersion(Long.toString(version == null ? 1 : Long.parseLong(version) + 1));
        return stored;
    }

    @Override
    public void removeFinalizer(Checkpoint checkpoint, String finalizer) {
        checkpoint.removeFinalizer(finalizer);
    }

    @Override
    public boolean deleteImage(String imageByDigest, String dockerConfigJson) throws IOException {
        if (registryFailure != null) {
            throw registryFailure;
        }
        return images.remove(imageByDigest);
    }

    @Override
    public CheckpointImageInfo inspect(String imageByDigest) throws IOException {
        if (registryFailure != null) {
            throw registryFailure;
        }
        CheckpointImageInfo info = imageInfos.get(imageByDigest);
        if (info == null) {
            throw new IOException("registry.local:5000 has no image " + imageByDigest);
        }
        return info;
    }

    @Override
    public Pod createPod(Pod pod) {
        String key = pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
        if (pods.containsKey(key)) {
            throw new IllegalStateException("pod " + key + " already exists");
        }
        Pod stored = new PodBuilder(pod)
                .editMetadata()
                .withUid("uid-pod-" + pod.getMetadata().getName())
                .endMetadata()
                .build();
        pods.put(key, stored);
        created.add(stored);
        return stored;
    }

    @Override
    public AgentClient onNode(String node) throws AgentException {
        FakeAgent agent = agents.get(node);
        if (notReady.contains(node)) {
            throw new AgentException("the amber agent on node " + node + " is not Ready (pod agent-x)", 503, null);
        }
        if (agent == null) {
            throw new AgentException("no amber agent on node " + node, 404, null);
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
    public static final class FakeAgent implements AgentClient {
        final Map<String, CheckpointOperation> operations = new LinkedHashMap<>();
        final List<CheckpointRequest> started = new ArrayList<>();
        /** Archive file names on the node; {@link #deleteArchive} removes them. */
        final Set<String> archives = new TreeSet<>();
        /** Archives a person pinned: the agent refuses to delete them (409). */
        final Set<String> pinned = new TreeSet<>();

        String busyContainer;

        @Override
        public boolean deleteArchive(String fileName) throws AgentException {
            if (pinned.contains(fileName)) {
                throw new AgentException(fileName + " is pinned by " + fileName + ".keep", 409, null);
            }
            return archives.remove(fileName);
        }

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
            archives.add(id + ".tar");
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
