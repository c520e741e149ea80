package dev.amber.nodestate;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every signal on fake Node objects, as the tools that set them leave them. */
class ShutdownRulesTest {

    private static Node node(UnaryOperator<NodeBuilder> edit) {
        NodeBuilder b = new NodeBuilder()
                .withNewMetadata()
                .withName("n1")
                .endMetadata()
                .withNewStatus()
                .addToConditions(ready("True", "KubeletReady", "kubelet is posting ready status"))
                .endStatus();
        return edit.apply(b).build();
    }

    private static io.fabric8.kubernetes.api.model.NodeCondition ready(String status, String reason, String message) {
        return new NodeConditionBuilder()
                .withType("Ready")
                .withStatus(status)
                .withReason(reason)
                .withMessage(message)
                .build();
    }

    private static UnaryOperator<NodeBuilder> taint(String key, String value, String effect) {
        return b -> b.withNewSpec()
                .addToTaints(new TaintBuilder()
                        .withKey(key)
                        .withValue(value)
                        .withEffect(effect)
                        .build())
                .endSpec();
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("a ready node", (UnaryOperator<NodeBuilder>) b -> b, "running", "Ready=True"),
                Arguments.of(
                        "kubelet graceful shutdown",
                        (UnaryOperator<NodeBuilder>) b -> b.editStatus()
                                .withConditions(ready("False", "KubeletNotReady", "node is shutting down"))
                                .endStatus(),
                        "shutting-down",
                        "kubelet graceful node shutdown"),
                Arguments.of(
                        "not ready for another reason",
                        (UnaryOperator<NodeBuilder>) b -> b.editStatus()
                                .withConditions(ready("False", "KubeletNotReady", "container runtime is down"))
                                .endStatus(),
                        "running",
                        "Ready=False"),
                Arguments.of(
                        "cordoned",
                        (UnaryOperator<NodeBuilder>)
                                b -> b.withNewSpec().withUnschedulable(true).endSpec(),
                        "shutting-down",
                        "cordoned"),
                Arguments.of(
                        "cluster-autoscaler",
                        taint("ToBeDeletedByClusterAutoscaler", "1700000000", "NoSchedule"),
                        "shutting-down",
                        "cluster-autoscaler"),
                Arguments.of(
                        "cluster-autoscaler candidate only",
                        taint("DeletionCandidateOfClusterAutoscaler", "1700000000", "PreferNoSchedule"),
                        "running",
                        "Ready=True"),
                Arguments.of(
                        "Karpenter v1",
                        taint("karpenter.sh/disrupted", null, "NoSchedule"),
                        "shutting-down",
                        "Karpenter"),
                Arguments.of(
                        "Karpenter v1beta1",
                        taint("karpenter.sh/disruption", "disrupting", "NoSchedule"),
                        "shutting-down",
                        "Karpenter"),
                Arguments.of(
                        "AWS spot interruption",
                        taint("aws-node-termination-handler/spot-itn", "evt-1", "NoSchedule"),
                        "shutting-down",
                        "AWS spot interruption"),
                Arguments.of(
                        "AWS ASG scale-in",
                        taint("aws-node-termination-handler/asg-lifecycle-termination", "evt", "NoSchedule"),
                        "shutting-down",
                        "Auto Scaling"),
                Arguments.of(
                        "AWS rebalance",
                        taint("aws-node-termination-handler/rebalance-recommendation", "evt", "NoSchedule"),
                        "shutting-down",
                        "rebalance"),
                Arguments.of(
                        "GCP termination handler",
                        taint("cloud.google.com/impending-node-termination", null, "NoSchedule"),
                        "shutting-down",
                        "GCP"),
                Arguments.of(
                        "Azure preempt",
                        taint("aks-node-termination-handler/preempt", null, "NoSchedule"),
                        "shutting-down",
                        "Azure"),
                Arguments.of(
                        "out of service",
                        taint("node.kubernetes.io/out-of-service", "nodeshutdown", "NoExecute"),
                        "shutting-down",
                        "out of service"),
                Arguments.of("an unrelated taint", taint("dedicated", "gpu", "NoSchedule"), "running", "Ready=True"),
                Arguments.of(
                        "being deleted",
                        (UnaryOperator<NodeBuilder>) b -> b.editMetadata()
                                .withDeletionTimestamp("2026-11-21T05:00:00Z")
                                .endMetadata(),
                        "shutting-down",
                        "being deleted"),
                Arguments.of(
                        "no status yet",
                        (UnaryOperator<NodeBuilder>) b -> b.withStatus(null),
                        "running",
                        "no Ready condition"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void evaluates(String description, UnaryOperator<NodeBuilder> edit, String state, String reasonPart) {
        NodeState result = ShutdownRules.evaluate(node(edit));

        assertThat(result.name()).isEqualTo("n1");
        assertThat(result.state().wireName()).isEqualTo(state);
        assertThat(result.reason()).contains(reasonPart);
    }
}
