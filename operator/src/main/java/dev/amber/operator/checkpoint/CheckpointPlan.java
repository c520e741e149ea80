package dev.amber.operator.checkpoint;

import dev.amber.api.v1alpha1.Checkpoint;
import dev.amber.api.v1alpha1.CheckpointSpec;
import dev.amber.api.v1alpha1.CheckpointStatus;
import dev.amber.api.v1alpha1.ContainerCheckpointStatus;
import dev.amber.kube.agent.CheckpointRequest;
import dev.amber.operator.OperatorSettings;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What a Checkpoint asks for, worked out from its spec and the pod as observed: pure functions, so
 * that every decision the controller makes is unit-tested without a cluster.
 */
public final class CheckpointPlan {
    /** The label every kubelet puts on its Node, naming its CPU architecture ({@code amd64}, {@code arm64}). */
    public static final String ARCHITECTURE_LABEL = "kubernetes.io/arch";
    /** Beyond the containers' kubelet timeouts, what an export and the agent's own work may take. */
    static final Duration GRACE = Duration.ofMinutes(2);
    /** An image tag, as the OCI distribution spec allows it. */
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");

    private CheckpointPlan() {}

    /**
     * The containers to checkpoint, in the pod's order, or why the Checkpoint cannot be taken: an empty
     * {@code spec.containers} means every container of the pod, one after another.
     */
    public static Result<List<String>> containers(CheckpointSpec spec, Pod pod) {
        String where = "pod " + pod.getMetadata().getNamespace() + "/"
                + pod.getMetadata().getName();
        if (pod.getSpec().getNodeName() == null) {
            return Result.failed("PodNotScheduled", where + " is not scheduled to a node yet");
        }
        List<String> all =
                pod.getSpec().getContainers().stream().map(Container::getName).toList();
        List<String> wanted = spec.containers == null || spec.containers.isEmpty() ? all : spec.containers;
        Map<String, ContainerStatus> states =
                pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null
                        ? Map.of()
                        : pod.getStatus().getContainerStatuses().stream()
                                .collect(Collectors.toMap(ContainerStatus::getName, Function.identity(), (a, b) -> a));
        List<String> ordered = new ArrayList<>();
        for (String name : all) {
            if (wanted.contains(name)) {
                ordered.add(name);
            }
        }
        for (String name : wanted) {
            if (!all.contains(name)) {
                return Result.failed(
                        "NoSuchContainer",
                        where + " has no container " + name + " (it has " + String.join(", ", all) + ")");
            }
            ContainerStatus state = states.get(name);
            if (state == null || state.getState() == null || state.getState().getRunning() == null) {
                return Result.failed(
                        "ContainerNotRunning",
                        "container " + name + " of " + where + " is not running" + waitingReason(state));
            }
        }
        return Result.ok(List.copyOf(ordered));
    }

    /** The pod as a Restore recreates it: labels, annotations and spec, without what the cluster set. */
    public static PodTemplateSpec podTemplate(Pod pod) {
        PodTemplateSpec template = new PodTemplateSpec();
        template.setMetadata(new ObjectMetaBuilder()
                .withLabels(pod.getMetadata().getLabels())
                .withAnnotations(pod.getMetadata().getAnnotations())
                .build());
        template.setSpec(pod.getSpec());
        return template;
    }

    /**
     * Where a container's archive is pushed, or null when nothing is exported; a failure when the Checkpoint asks
     * for an export that names no repository and the operator has no default, or whose tag would not be a valid one.
     *
     * <p>The operator's default repository is shared by every namespace, so each namespace gets its own repository
     * below it ({@code DEFAULT/NAMESPACE}): two namespaces' Checkpoints of one name never push to one tag, and a
     * registry can grant each namespace its own path. A repository the Checkpoint names is taken as it is.
     */
    public static Result<String> exportReference(
            Checkpoint checkpoint, String container, int containers, OperatorSettings settings) {
        if (checkpoint.getSpec().export == null) {
            return Result.ok(null);
        }
        String repository = checkpoint.getSpec().export.image;
        if (repository == null || repository.isBlank()) {
            repository = settings.defaultRepository() == null
                            || settings.defaultRepository().isBlank()
                    ? null
                    : settings.defaultRepository() + "/"
                            + checkpoint.getMetadata().getNamespace();
        }
        if (repository == null) {
            return Result.failed(
                    "NoExportRepository",
                    "export names no image and the operator has no default repository"
                            + " (set export.image, or the chart's export.repository)");
        }
        // One image per container: a pod-level checkpoint tags each container's archive apart.
        String tag = containers == 1
                ? checkpoint.getMetadata().getName()
                : checkpoint.getMetadata().getName() + "-" + container;
        if (!TAG.matcher(tag).matches()) {
            return Result.failed(
                    "InvalidExportTag",
                    "the image tag " + tag + " (the Checkpoint's name"
                            + (containers == 1 ? "" : " and the container's") + ") is not a valid tag: at most 128"
                            + " letters, digits, '_', '.' and '-', not starting with '.' or '-'; choose a shorter name");
        }
        return Result.ok(repository + ":" + tag);
    }

    /** The agent's operation id: stable across operator restarts, unique per Checkpoint and container. */
    public static String operationId(Checkpoint checkpoint, String container) {
        return checkpoint.getMetadata().getUid() + "-" + container;
    }

    public static CheckpointRequest request(
            Checkpoint checkpoint,
            String container,
            String reference,
            String dockerConfigJson,
            OperatorSettings settings) {
        int timeout = checkpoint.getSpec().timeoutSeconds != null
                ? checkpoint.getSpec().timeoutSeconds
                : settings.defaultTimeoutSeconds();
        CheckpointRequest.ExportTarget export = reference == null
                ? null
                : new CheckpointRequest.ExportTarget(reference, settings.plainHttp(reference), dockerConfigJson);
        return new CheckpointRequest(
                operationId(checkpoint, container),
                checkpoint.getMetadata().getNamespace(),
                checkpoint.getSpec().podName,
                container,
                timeout,
                export);
    }

    /**
     * Why a Running Checkpoint is given up, if it is: past its deadline, one timeout per container plus
     * {@link #GRACE}, however the node's agent answers (or does not), so that none stays Running forever.
     */
    public static Optional<Failure> overdue(Checkpoint checkpoint, Instant now, OperatorSettings settings) {
        if (checkpoint.getStatus() == null || checkpoint.getStatus().startTime == null) {
            return Optional.empty();
        }
        int timeout = checkpoint.getSpec().timeoutSeconds != null
                ? checkpoint.getSpec().timeoutSeconds
                : settings.defaultTimeoutSeconds();
        int containers = Math.max(1, checkpoint.getStatus().containers.size());
        Duration allowed = Duration.ofSeconds((long) timeout * containers).plus(GRACE);
        Duration taken = Duration.between(Instant.parse(checkpoint.getStatus().startTime), now);
        if (taken.compareTo(allowed) <= 0) {
            return Optional.empty();
        }
        return Optional.of(new Failure(
                "Timeout",
                "not finished within " + allowed.toSeconds() + " s (" + containers + " container(s) x " + timeout
                        + " s, plus " + GRACE.toSeconds() + " s); the archives taken so far stay"));
    }

    /**
     * Why the next container may not be asked for, if it may not: the pod the Checkpoint began with is gone, or
     * a pod of the same name with another uid (a StatefulSet's replacement, on any node) stands in its place.
     * The kubelet's API names containers by pod name only, so this is checked before each container is asked for.
     */
    public static Optional<Failure> replaced(CheckpointStatus status, Optional<Pod> pod) {
        if (status.podUID == null) {
            return Optional.empty();
        }
        if (pod.isEmpty()) {
            return Optional.of(new Failure(
                    "PodGone", "the pod was deleted before every container was checkpointed; the archives taken stay"));
        }
        String uid = pod.get().getMetadata().getUid();
        if (!status.podUID.equals(uid)) {
            return Optional.of(new Failure(
                    "PodReplaced",
                    "pod " + pod.get().getMetadata().getName() + " is another pod now (uid " + uid + ", was "
                            + status.podUID + "): not checkpointing the new one in the old one's place"));
        }
        return Optional.empty();
    }

    /** A node's CPU architecture: its {@link #ARCHITECTURE_LABEL}, else what its kubelet reports; null if neither. */
    public static String architecture(Node node) {
        Map<String, String> labels = node.getMetadata().getLabels();
        if (labels != null && labels.get(ARCHITECTURE_LABEL) != null) {
            return labels.get(ARCHITECTURE_LABEL);
        }
        return node.getStatus() == null || node.getStatus().getNodeInfo() == null
                ? null
                : node.getStatus().getNodeInfo().getArchitecture();
    }

    /** The next container whose checkpoint is not recorded yet, in order. */
    public static Optional<ContainerCheckpointStatus> nextContainer(List<ContainerCheckpointStatus> containers) {
        return containers.stream().filter(c -> c.checkpointedAt == null).findFirst();
    }

    /** Seconds between the first and the last container's dump; null for one container. */
    public static Double skewSeconds(List<ContainerCheckpointStatus> containers) {
        List<Instant> times = containers.stream()
                .map(c -> Instant.parse(c.checkpointedAt))
                .sorted()
                .toList();
        if (times.size() < 2) {
            return null;
        }
        return Duration.between(times.getFirst(), times.getLast()).toMillis() / 1000.0;
    }

    private static String waitingReason(ContainerStatus state) {
        if (state != null && state.getState() != null && state.getState().getWaiting() != null) {
            return " (waiting: " + state.getState().getWaiting().getReason() + ")";
        }
        if (state != null && state.getState() != null && state.getState().getTerminated() != null) {
            return " (terminated: " + state.getState().getTerminated().getReason() + ")";
        }
        return "";
    }

    /** A value, or the failure that stands in its place. */
    public record Result<T>(T value, Failure failure) {
        public static <T> Result<T> ok(T value) {
            return new Result<>(value, null);
        }

        public static <T> Result<T> failed(String reason, String message) {
            return new Result<>(null, new Failure(reason, message));
        }

        public boolean failed() {
            return failure != null;
        }
    }
}
