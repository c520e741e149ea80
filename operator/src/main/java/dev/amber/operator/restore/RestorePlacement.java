package dev.amber.operator.restore;

import dev.amber.api.v1alpha1.RuntimeCapability;
import dev.amber.operator.checkpoint.CheckpointPlan;
import dev.amber.operator.checkpoint.CheckpointPlan.Result;
import dev.amber.operator.cluster.NodeCapabilities;
import io.fabric8.kubernetes.api.model.Node;
import java.util.List;
import java.util.Optional;

/**
 * Where a Restore's pod goes, and through which {@link RestoreBackend}: decided from what each node's agent
 * published about its runtime ({@link RuntimeCapability} on the Node) and from whether the API server serves
 * Kubernetes' pod-level API. Pure functions, unit-tested without a cluster.
 *
 * <p>The rules:
 *
 * <ul>
 *   <li>A named target node that does not exist fails ({@code NoSuchNode}); one whose runtime said it cannot
 *       restore fails at once ({@code NodeCannotRestore}), with the runtime's reason and how to enable it.
 *   <li>A node without a published capability (no agent there, or an agent not given the runtime's socket) is
 *       not refused: nothing is known against it, and the runtime's own answer will say.
 *   <li>Without a target node, the scheduler picks among the nodes labelled able to restore; when none is,
 *       the Restore fails at once ({@code NoNodeCanRestore}).
 *   <li>Where no node labels itself at all (no agent asks its runtime), nothing is known against any node: the
 *       scheduler picks among them all.
 *   <li>Where CreateContainer cannot restore but the cluster serves {@code checkpoint.k8s.io}, the pod-level backend
 *       is chosen, which refuses as untested ({@link PodLevelRestore}), carrying the runtime's reason and remedy.
 * </ul>
 */
public final class RestorePlacement {
    private RestorePlacement() {}

    /**
     * What was observed of the nodes.
     *
     * @param target the node {@code spec.targetNode} names (empty: none named, or none such)
     * @param nodes every node, read only when no target node is named
     * @param podLevelServed whether the API server serves {@link PodLevelRestore#API_GROUP}
     */
    public record Observed(Optional<Node> target, List<Node> nodes, boolean podLevelServed) {}

    /**
     * Where the pod goes for a checkpoint taken on a node of {@code architecture} (null: not recorded, taken before
     * Amber recorded it): CRIU restores a process only on the CPU architecture it was dumped on.
     */
    public static Result<Decision> decide(String targetNode, String architecture, Observed observed) {
        if (architecture != null
                && targetNode != null
                && !targetNode.isBlank()
                && observed.target().isPresent()) {
            String there = CheckpointPlan.architecture(observed.target().get());
            if (there != null && !there.equals(architecture)) {
                return Result.failed(
                        "ArchitectureMismatch",
                        "node " + targetNode + " is " + there + ", but the checkpoint was taken on " + architecture
                                + ": CRIU restores a process only on the architecture it was dumped on");
            }
        }
        Observed same = architecture == null
                ? observed
                : new Observed(
                        observed.target(),
                        observed.nodes().stream()
                                .filter(n -> architecture.equals(CheckpointPlan.architecture(n)))
                                .toList(),
                        observed.podLevelServed());
        Result<Decision> decided = decide(targetNode, same);
        if (decided.failed() || architecture == null || decided.value().nodeName() != null) {
            return decided;
        }
        Decision d = decided.value();
        return Result.ok(new Decision(d.backend(), null, d.candidates(), d.byLabel(), architecture));
    }

    /**
     * Where the pod goes.
     *
     * @param nodeName the node it is pinned to; null to let the scheduler pick a node labelled
     *     {@link RuntimeCapability#RESTORE_LABEL}={@code backend.name()}
     * @param candidates how many nodes the scheduler may pick from (1 when pinned)
     * @param byLabel whether the scheduler must pick a node labelled able to restore (false when no node is labelled)
     * @param architecture the CPU architecture the scheduler must pick, when it picks; null for any
     */
    public record Decision(
            RestoreBackend backend, String nodeName, int candidates, boolean byLabel, String architecture) {
        public Decision(RestoreBackend backend, String nodeName, int candidates, boolean byLabel) {
            this(backend, nodeName, candidates, byLabel, null);
        }
    }

    private static Result<Decision> decide(String targetNode, Observed observed) {
        if (targetNode != null && !targetNode.isBlank()) {
            if (observed.target().isEmpty()) {
                return Result.failed("NoSuchNode", "no node " + targetNode + " in the cluster");
            }
            Optional<RuntimeCapability> capability =
                    NodeCapabilities.of(observed.target().get());
            if (capability.isEmpty() || capability.get().canRestore()) {
                return Result.ok(new Decision(CreateContainerRestore.INSTANCE, targetNode, 1, false));
            }
            RuntimeCapability cannot = capability.get();
            String refusal = "node " + targetNode + " cannot restore: " + cannot.restoreReason()
                    + (cannot.remedy() == null ? "" : "; to enable it, " + cannot.remedy());
            return observed.podLevelServed()
                    ? Result.ok(new Decision(new PodLevelRestore(refusal), targetNode, 1, false))
                    : Result.failed("NodeCannotRestore", refusal);
        }
        long able = observed.nodes().stream()
                .filter(n -> NodeCapabilities.of(n)
                        .map(RuntimeCapability::canRestore)
                        .orElse(false))
                .count();
        if (able > 0) {
            return Result.ok(new Decision(CreateContainerRestore.INSTANCE, null, (int) able, true));
        }
        if (observed.nodes().stream().allMatch(n -> NodeCapabilities.of(n).isEmpty())) {
            // No agent publishes anything (the chart's agent.runtime.socket is empty): nothing is known against any
            // node, so the scheduler picks among them all and the runtime's own answer says.
            return Result.ok(new Decision(
                    CreateContainerRestore.INSTANCE, null, observed.nodes().size(), false));
        }
        String refusal = "no node reports that its runtime can restore (label " + RuntimeCapability.RESTORE_LABEL
                + "=" + RuntimeCapability.CREATE_CONTAINER + "); `amber nodes` shows why each cannot, or name"
                + " spec.targetNode";
        return observed.podLevelServed()
                ? Result.ok(new Decision(new PodLevelRestore(refusal), null, 0, false))
                : Result.failed("NoNodeCanRestore", refusal);
    }
}
