package dev.amber.operator.migration;

import dev.amber.operator.checkpoint.CheckpointPlan.Result;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSelector;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a Migration may move, decided before anything starts (issue 13, "Owners" and "Volumes"): pure functions over
 * the pod and what it mounts, so that every refusal is unit-tested without a cluster and none leaves a half-done
 * move behind.
 *
 * <ul>
 *   <li>Owners: a bare pod, a ReplicaSet's (a Deployment's), or a StatefulSet's pod can be handed back to its owner;
 *       a DaemonSet's pod belongs to its node, a Job's to its run, and an owner Amber does not know might re-create
 *       the pod cold behind its back: those are refused.
 *   <li>Volumes: {@code emptyDir} travels with the pod (its contents packed at the checkpoint); what the kubelet makes
 *       anew (configMap, secret, projected, downwardAPI) needs nothing; a claim moves when its volume can attach on
 *       the target (a network volume whose node affinity, if any, admits the target node; where the scheduler picks,
 *       it honours that affinity itself); a local or hostPath volume lives on one node and cannot; a {@code hostPath}
 *       volume of the pod moves only where the Migration says the path is shared between the nodes.
 * </ul>
 */
public final class MigrationPreflight {
    private MigrationPreflight() {}

    /** How the moved pod is handed back: to nobody, to its ReplicaSet, or to its StatefulSet. */
    public sealed interface Owner {
        /** No controller: the pod is re-created by the Migration itself. */
        record Bare() implements Owner {}

        /** A ReplicaSet's pod (a Deployment's, when the ReplicaSet has one): adopted by the same ReplicaSet. */
        record ReplicaSetPod(String replicaSet) implements Owner {}

        /** A StatefulSet's pod: it keeps its name and identity. */
        record StatefulSetPod(String statefulSet) implements Owner {}
    }

    /** What the pod's volumes need: the emptyDirs whose contents travel with it. */
    public record Volumes(List<String> emptyDirs) {}

    /** The pod's owner, or why a Migration refuses it. */
    public static Result<Owner> owner(Pod pod) {
        String where = "pod " + pod.getMetadata().getNamespace() + "/"
                + pod.getMetadata().getName();
        Optional<OwnerReference> controller = pod.getMetadata().getOwnerReferences() == null
                ? Optional.empty()
                : pod.getMetadata().getOwnerReferences().stream()
                        .filter(o -> Boolean.TRUE.equals(o.getController()))
                        .findFirst();
        if (controller.isEmpty()) {
            return Result.ok(new Owner.Bare());
        }
        OwnerReference owner = controller.get();
        String kind = owner.getKind();
        boolean apps = owner.getApiVersion() != null && owner.getApiVersion().startsWith("apps/");
        if (apps && "ReplicaSet".equals(kind)) {
            return Result.ok(new Owner.ReplicaSetPod(owner.getName()));
        }
        if (apps && "StatefulSet".equals(kind)) {
            return Result.ok(new Owner.StatefulSetPod(owner.getName()));
        }
        String why = switch (kind) {
            case "DaemonSet" -> "a DaemonSet runs one pod on every node: its pod belongs to its node";
            case "Job", "CronJob" -> "a Job re-runs a pod it loses instead of taking one back";
            default -> "Amber cannot hand a pod back to a " + kind + ", which might start a cold one in its place";
        };
        return Result.failed(
                "UnsupportedOwner", where + " is controlled by " + kind + " " + owner.getName() + ": " + why);
    }

    /**
     * What the pod's volumes need, or why they cannot move.
     *
     * @param claims the pod's claims by name, as observed (a missing one is refused: nothing is known of it)
     * @param volumes the claims' bound volumes by name
     * @param hostPathShared whether the Migration says the nodes share the pod's hostPath directories
     * @param target the node the Migration names, whose labels a volume's node affinity must match; empty when the
     *     scheduler picks, which honours that affinity itself
     */
    public static Result<Volumes> volumes(
            Pod pod,
            Map<String, PersistentVolumeClaim> claims,
            Map<String, PersistentVolume> volumes,
            boolean hostPathShared,
            Optional<Node> target) {
        String where = "pod " + pod.getMetadata().getNamespace() + "/"
                + pod.getMetadata().getName();
        List<String> emptyDirs = new ArrayList<>();
        List<Volume> declared =
                pod.getSpec().getVolumes() == null ? List.of() : pod.getSpec().getVolumes();
        for (Volume volume : declared) {
            if (volume.getEmptyDir() != null) {
                emptyDirs.add(volume.getName());
            } else if (volume.getHostPath() != null && !hostPathShared) {
                return Result.failed(
                        "HostPathVolume",
                        where + " mounts hostPath " + volume.getHostPath().getPath() + " (volume " + volume.getName()
                                + "), which is the source node's own; set hostPathShared if every node has the same"
                                + " directory");
            } else if (volume.getPersistentVolumeClaim() != null) {
                Optional<String> stuck =
                        stuckClaim(volume.getPersistentVolumeClaim().getClaimName(), claims, volumes, target);
                if (stuck.isPresent()) {
                    return Result.failed("VolumeCannotMove", where + ": " + stuck.get());
                }
            }
        }
        return Result.ok(new Volumes(List.copyOf(emptyDirs)));
    }

    /** Why a claim's volume cannot be attached on another node (or on the target), if it cannot. */
    private static Optional<String> stuckClaim(
            String name,
            Map<String, PersistentVolumeClaim> claims,
            Map<String, PersistentVolume> volumes,
            Optional<Node> target) {
        PersistentVolumeClaim claim = claims.get(name);
        if (claim == null || claim.getSpec() == null || claim.getSpec().getVolumeName() == null) {
            return Optional.of("claim " + name + " is not bound to a volume");
        }
        PersistentVolume volume = volumes.get(claim.getSpec().getVolumeName());
        if (volume == null) {
            return Optional.of("the volume of claim " + name + " cannot be read");
        }
        var spec = volume.getSpec();
        if (spec.getLocal() != null || spec.getHostPath() != null) {
            return Optional.of("claim " + name + " is bound to " + (spec.getLocal() != null ? "local" : "hostPath")
                    + " volume " + volume.getMetadata().getName() + ", which lives on one node");
        }
        NodeSelector required =
                spec.getNodeAffinity() == null ? null : spec.getNodeAffinity().getRequired();
        if (required != null && target.isPresent() && !matches(required, target.get())) {
            return Optional.of("claim " + name + " is bound to volume "
                    + volume.getMetadata().getName() + ", whose node affinity does not admit node "
                    + target.get().getMetadata().getName());
        }
        return Optional.empty();
    }

    /** Whether a node matches a node selector: any of its terms, each term all of its label expressions. */
    static boolean matches(NodeSelector selector, Node node) {
        Map<String, String> labels = node.getMetadata().getLabels() == null
                ? Map.of()
                : node.getMetadata().getLabels();
        return selector.getNodeSelectorTerms().stream()
                .anyMatch(term -> term.getMatchExpressions() != null
                        && term.getMatchExpressions().stream().allMatch(e -> matches(e, labels)));
    }

    private static boolean matches(NodeSelectorRequirement requirement, Map<String, String> labels) {
        String value = labels.get(requirement.getKey());
        List<String> values = requirement.getValues() == null ? List.of() : requirement.getValues();
        return switch (requirement.getOperator()) {
            case "In" -> value != null && values.contains(value);
            case "NotIn" -> value == null || !values.contains(value);
            case "Exists" -> value != null;
            case "DoesNotExist" -> value == null;
            // Gt and Lt compare integers; a value that is not one matches nothing.
            case "Gt", "Lt" -> {
                try {
                    long have = Long.parseLong(value);
                    long bound = Long.parseLong(values.getFirst());
                    yield requirement.getOperator().equals("Gt") ? have > bound : have < bound;
                } catch (RuntimeException e) {
                    yield false;
                }
            }
            default -> false;
        };
    }
}
