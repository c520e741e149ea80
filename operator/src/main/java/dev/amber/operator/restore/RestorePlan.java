package dev.amber.operator.restore;

import dev.amber.api.v1alpha1.Checkpoint;
import dev.amber.api.v1alpha1.CheckpointPhase;
import dev.amber.api.v1alpha1.ContainerCheckpointStatus;
import dev.amber.api.v1alpha1.Restore;
import dev.amber.api.v1alpha1.RestoreSpec;
import dev.amber.api.v1alpha1.RuntimeCapability;
import dev.amber.image.CheckpointImageInfo;
import dev.amber.operator.checkpoint.CheckpointPlan;
import dev.amber.operator.checkpoint.CheckpointPlan.Result;
import dev.amber.operator.checkpoint.Failure;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What a Restore asks for, worked out from its spec and what was observed (its Checkpoint, whether the
 * target node exists, the restored pod): pure functions, so that every decision the Restore controller
 * makes is unit-tested without a cluster.
 *
 * <p>The pod is the Checkpoint's {@code podTemplate} (labels, annotations, spec) as the chosen
 * {@link RestoreBackend} changes it: through CreateContainer, each checkpointed container's image is replaced
 * by its checkpoint image by digest. Placement is {@link RestorePlacement}'s: pinned to {@code targetNode}
 * with {@code nodeName}, or, without one, left to the scheduler among the nodes labelled able to restore. The
 * old pod's node selector and node affinity are dropped either way, since they name the old placement.
 */
public final class RestorePlan {
    /** The label every restored pod carries, whose value is the Restore's name. */
    public static final String RESTORE_LABEL = "amber.dev/restore";
    /** The annotation naming the Checkpoint a pod was restored from ({@code namespace/name}). */
    public static final String CHECKPOINT_ANNOTATION = "amber.dev/checkpoint";

    /** Waiting reasons that mean the container will not come up without someone's help. */
    static final Set<String> ERROR_REASONS = Set.of(
            "CreateContainerError",
            "CreateContainerConfigError",
            "RunContainerError",
            "ErrImagePull",
            "ImagePullBackOff",
            "ErrImageNeverPull",
            "InvalidImageName",
            "CrashLoopBackOff",
            "PreCreateHookError",
            "PostStartHookError");

    private static final Pattern BY_DIGEST = Pattern.compile(RestoreSpec.IMAGE_BY_DIGEST_PATTERN);

    private RestorePlan() {}

    /** The namespace of the Checkpoint: {@code spec.checkpointNamespace}, else the Restore's own. */
    public static String checkpointNamespace(Restore restore) {
        String namespace = restore.getSpec().checkpointNamespace;
        return namespace == null || namespace.isBlank() ? restore.getMetadata().getNamespace() : namespace;
    }

    /** The restored pod's name: {@code spec.podName}, else the Restore's name. */
    public static String podName(Restore restore) {
        String name = restore.getSpec().podName;
        return name == null || name.isBlank() ? restore.getMetadata().getName() : name;
    }

    /**
     * The pod to create, or why there is none.
     *
     * @param checkpoint the Checkpoint the spec names, as observed (empty: there is none)
     * @param nodes what was observed of the nodes, for {@link RestorePlacement}
     */
    public static Result<Planned> pod(
            Restore restore, Optional<Checkpoint> checkpoint, RestorePlacement.Observed nodes) {
        RestoreSpec spec = restore.getSpec();
        if (spec.checkpointName == null) {
            throw new IllegalArgumentException("a Restore of an image is planned by podFromImage");
        }
        String where = checkpointNamespace(restore) + "/" + spec.checkpointName;
        if (checkpoint.isEmpty()) {
            return Result.failed(
                    "CheckpointNotFound",
                    "no Checkpoint " + spec.checkpointName + " in namespace " + checkpointNamespace(restore));
        }
        Checkpoint source = checkpoint.get();
        if (source.getStatus() == null || source.getStatus().phase != CheckpointPhase.Succeeded) {
            String phase = source.getStatus() == null || source.getStatus().phase == null
                    ? "Pending"
                    : source.getStatus().phase.name();
            return Result.failed("CheckpointNotSucceeded", "Checkpoint " + where + " is " + phase + ", not Succeeded");
        }
        PodTemplateSpec template = source.getStatus().podTemplate;
        if (template == null || template.getSpec() == null) {
            return Result.failed("NotSupported", "Checkpoint " + where + " records no pod template to restore");
        }
        Map<String, String> images = new LinkedHashMap<>();
        for (ContainerCheckpointStatus c : source.getStatus().containers) {
            if (c.image == null || !BY_DIGEST.matcher(c.image).matches()) {
                return Result.failed(
                        "NotExported",
                        "container " + c.name + " of Checkpoint " + where
                                + (c.image == null
                                        ? " was not exported as an image (checkpoint with export)"
                                        : " was exported as " + c.image + ", not an image by digest"));
            }
            images.put(c.name, c.image);
        }
        if (images.isEmpty()) {
            return Result.failed("NotExported", "Checkpoint " + where + " has no exported container");
        }
        Result<RestorePlacement.Decision> placement =
                RestorePlacement.decide(spec.targetNode, source.getStatus().nodeArchitecture, nodes);
        if (placement.failed()) {
            return Result.failed(
                    placement.failure().reason(), placement.failure().message());
        }
        RestorePlacement.Decision decision = placement.value();
        Result<PodSpec> restoring = decision.backend().spec(new PodSpecBuilder(template.getSpec()).build(), images);
        if (restoring.failed()) {
            return Result.failed(
                    restoring.failure().reason(), restoring.failure().message());
        }
        return Result.ok(new Planned(build(restore, where, template, restoring.value(), decision), decision));
    }

    /**
     * The pod that restores one container from a checkpoint image ({@code spec.image}), or why there is none. With
     * no Checkpoint there is no pod template: the pod has the one container, named as the image says it was and
     * run from the image by digest, and what the runtime restores (the process, its environment, its files) comes
     * from the checkpoint itself. The image's architecture holds the placement, as a Checkpoint's does.
     *
     * @param image what the registry says the image holds (its manifest and config)
     */
    public static Result<Planned> podFromImage(
            Restore restore, CheckpointImageInfo image, RestorePlacement.Observed nodes) {
        String reference = restore.getSpec().image;
        if (!image.checkpoint()) {
            return Result.failed(
                    "NotACheckpointImage",
                    reference + " is not a checkpoint image: it carries no annotation that a runtime restores from");
        }
        Result<RestorePlacement.Decision> placement =
                RestorePlacement.decide(restore.getSpec().targetNode, image.architecture(), nodes);
        if (placement.failed()) {
            return Result.failed(
                    placement.failure().reason(), placement.failure().message());
        }
        String container = image.container() == null || image.container().isBlank() ? "restored" : image.container();
        PodSpec checkpointed = new PodSpecBuilder()
                .addNewContainer()
                .withName(container)
                .withImage(reference)
                .endContainer()
                .build();
        Result<PodSpec> restoring = placement.value().backend().spec(checkpointed, Map.of(container, reference));
        if (restoring.failed()) {
            return Result.failed(
                    restoring.failure().reason(), restoring.failure().message());
        }
        PodTemplateSpec none = new PodTemplateSpec();
        none.setMetadata(new ObjectMeta());
        return Result.ok(
                new Planned(build(restore, reference, none, restoring.value(), placement.value()), placement.value()));
    }

    /** The pod to create, and where and how it restores. */
    public record Planned(Pod pod, RestorePlacement.Decision placement) {}

    private static Pod build(
            Restore restore,
            String where,
            PodTemplateSpec template,
            PodSpec spec,
            RestorePlacement.Decision placement) {
        // What belongs to the old pod or to its placement: the new one goes where the placement says.
        spec.setNodeName(placement.nodeName());
        spec.setNodeSelector(null);
        if (spec.getAffinity() != null) {
            spec.getAffinity().setNodeAffinity(null);
        }
        if (placement.nodeName() == null && placement.byLabel()) {
            // The scheduler picks, among the nodes whose runtime restores through this backend.
            spec.setAffinity(new AffinityBuilder(spec.getAffinity() == null ? new Affinity() : spec.getAffinity())
                    .withNewNodeAffinity()
                    .withNewRequiredDuringSchedulingIgnoredDuringExecution()
                    .addNewNodeSelectorTerm()
                    .addNewMatchExpression()
                    .withKey(RuntimeCapability.RESTORE_LABEL)
                    .withOperator("In")
                    .withValues(placement.backend().name())
                    .endMatchExpression()
                    .endNodeSelectorTerm()
                    .endRequiredDuringSchedulingIgnoredDuringExecution()
                    .endNodeAffinity()
                    .build());
        }
        if (placement.architecture() != null) {
            spec.setNodeSelector(Map.of(CheckpointPlan.ARCHITECTURE_LABEL, placement.architecture()));
        }
        spec.setEphemeralContainers(null);
        // Filled in by the Priority admission plugin from priorityClassName; a stale value is refused.
        spec.setPriority(null);
        spec.setPreemptionPolicy(null);
        ObjectMeta old = template.getMetadata() == null ? new ObjectMeta() : template.getMetadata();
        Map<String, String> labels = merge(
                old.getLabels(), restore.getSpec().podOverrides == null ? null : restore.getSpec().podOverrides.labels);
        labels.put(RESTORE_LABEL, restore.getMetadata().getName());
        Map<String, String> annotations = merge(
                old.getAnnotations(),
                restore.getSpec().podOverrides == null ? null : restore.getSpec().podOverrides.annotations);
        annotations.put(CHECKPOINT_ANNOTATION, where);
        return new PodBuilder()
                .withNewMetadata()
                .withNamespace(restore.getMetadata().getNamespace())
                .withName(podName(restore))
                .withLabels(labels)
                .withAnnotations(annotations)
                .withOwnerReferences(owner(restore))
                .endMetadata()
                .withSpec(spec)
                .build();
    }

    /** The Restore as the controlling owner: deleting the Restore deletes its pod. */
    static OwnerReference owner(Restore restore) {
        return new OwnerReferenceBuilder()
                .withApiVersion(restore.getApiVersion())
                .withKind(restore.getKind())
                .withName(restore.getMetadata().getName())
                .withUid(restore.getMetadata().getUid())
                .withController(true)
                .withBlockOwnerDeletion(true)
                .build();
    }

    /** Whether the pod is controlled by this Restore (then it is the Restore's own, to adopt). */
    public static boolean ownedBy(Pod pod, Restore restore) {
        List<OwnerReference> owners = pod.getMetadata().getOwnerReferences();
        return owners != null
                && owners.stream()
                        .anyMatch(o -> Boolean.TRUE.equals(o.getController())
                                && restore.getMetadata().getUid().equals(o.getUid()));
    }

    private static Map<String, String> merge(Map<String, String> base, Map<String, String> over) {
        Map<String, String> merged = new LinkedHashMap<>();
        if (base != null) {
            merged.putAll(base);
        }
        if (over != null) {
            merged.putAll(over);
        }
        return merged;
    }

    /** Where the restored pod is: every container running, still coming up, or failed. */
    public sealed interface Progress {
        record Running() implements Progress {}

        record Waiting(String message) implements Progress {}

        record Failed(Failure failure) implements Progress {}
    }

    /**
     * The restored pod's progress: failed when the pod failed, a container terminated, or a container
     * waits for a reason that needs help ({@link #ERROR_REASONS}); running when every container is.
     */
    public static Progress progress(Pod pod) {
        String where = "pod " + pod.getMetadata().getNamespace() + "/"
                + pod.getMetadata().getName();
        if (pod.getStatus() != null && "Failed".equals(pod.getStatus().getPhase())) {
            String reason = pod.getStatus().getReason() == null
                    ? "PodFailed"
                    : pod.getStatus().getReason();
            String message = pod.getStatus().getMessage() == null
                    ? "failed"
                    : pod.getStatus().getMessage();
            return new Progress.Failed(new Failure(reason, where + ": " + message));
        }
        Map<String, ContainerStatus> states =
                pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null
                        ? Map.of()
                        : pod.getStatus().getContainerStatuses().stream()
                                .collect(Collectors.toMap(ContainerStatus::getName, Function.identity(), (a, b) -> a));
        String waiting = null;
        for (Container container : pod.getSpec().getContainers()) {
            String name = container.getName();
            ContainerStatus status = states.get(name);
            if (status == null || status.getState() == null) {
                waiting = waiting == null ? "container " + name + " of " + where + " is not created yet" : waiting;
                continue;
            }
            if (status.getState().getRunning() != null) {
                continue;
            }
            var terminated = status.getState().getTerminated();
            if (terminated != null) {
                String reason = terminated.getReason() == null ? "ContainerTerminated" : terminated.getReason();
                return new Progress.Failed(new Failure(
                        reason,
                        "container " + name + " of " + where + " terminated (exit code " + terminated.getExitCode()
                                + ")" + (terminated.getMessage() == null ? "" : ": " + terminated.getMessage())));
            }
            var wait = status.getState().getWaiting();
            String reason = wait == null || wait.getReason() == null ? "Waiting" : wait.getReason();
            if (ERROR_REASONS.contains(reason)) {
                return new Progress.Failed(new Failure(
                        reason,
                        "container " + name + " of " + where + ": "
                                + (wait.getMessage() == null ? reason : wait.getMessage())));
            }
            waiting = waiting == null ? "container " + name + " of " + where + " is " + reason : waiting;
        }
        return waiting == null ? new Progress.Running() : new Progress.Waiting(waiting);
    }
}
