package dev.amber.kube.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.amber.retention.InvalidPolicyException;
import dev.amber.retention.RetentionPolicy;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A bad policy is rejected with a message naming the field; it never reaches the engine. */
class PolicyValidatorTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            globalPolicy: {maxCheckpointsPerPod: -1}                         | globalPolicy.maxCheckpointsPerPod must not be negative
            globalPolicy: {maxCheckpointSize: lots}                          | globalPolicy.maxCheckpointSize is not a quantity
            globalPolicy: {maxTotalSizePerPod: -1Gi}                         | globalPolicy.maxTotalSizePerPod must not be negative
            globalPolicy: {maxAge: 2 days}                                   | globalPolicy.maxAge is not a duration
            globalPolicy: {maxAge: 0s}                                       | globalPolicy.maxAge must be longer than 0
            namespacePolicies: [{maxCheckpoints: 1}]                         | namespacePolicies[0] needs a namespace or a selector
            podPolicies: [{namespace: a}]                                    | podPolicies[0] needs a pod or a selector
            containerPolicies: [{namespace: a, pod: b}]                      | containerPolicies[0] names no container
            podPolicies: [{pod: a, selector: {matchExpressions: [{key: k, operator: Like}]}}] | podPolicies[0].selector.matchExpressions[0]: unknown operator 'Like'
            export: {namespaces: [a]}                                        | export.repository is required
            export: {repository: 'reg:5000/cp:latest'}                       | must be a repository without tag or digest
            checkpointDirectory: relative/dir                                | checkpointDirectory must be an absolute path
            globalPolicy: {maxCheckpoint: 1}                                 | unknown field 'maxCheckpoint'
            """)
    void rejects(String yaml, String message) {
        assertThatThrownBy(() -> PolicyValidator.validate(PolicyFiles.parseSpec(yaml, "policy.yaml")))
                .isInstanceOf(InvalidPolicyException.class)
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void reportsEveryProblemAtOnce() {
        assertThatThrownBy(() -> PolicyValidator.validate(
                        PolicyFiles.parseSpec("globalPolicy: {maxCheckpointsPerPod: -1, maxAge: soon}", "p")))
                .hasMessageContaining("maxCheckpointsPerPod")
                .hasMessageContaining("maxAge");
    }

    @Test
    void acceptsAWholeResourceAndAppliesUpstreamDefaults() throws Exception {
        RetentionPolicy p = PolicyValidator.validate(PolicyFiles.parseSpec("""
                apiVersion: amber.dev/v1alpha1
                kind: CheckpointPolicy
                metadata: {name: default}
                spec:
                  globalPolicy: {maxCheckpointSize: 4Mi}
                """, "cr.yaml"));
        assertThat(p.checkpointDirectory())
                .as("unset: the agent's directory applies")
                .isNull();
        assertThat(p.globalContainer().maxCheckpoints()).isEqualTo(10);
        assertThat(p.globalPod().maxCheckpoints()).isEqualTo(20);
        assertThat(p.globalNamespace().maxCheckpoints()).isEqualTo(30);
        assertThat(p.globalPod().maxCheckpointSize()).isEqualTo(4L << 20);
        assertThat(p.globalPod().maxTotalSize()).isEqualTo(100L << 30);
        assertThat(p.globalPod().retainOrphan()).isTrue();
    }

    @Test
    void rejectsOtherKinds() {
        assertThatThrownBy(() -> PolicyFiles.parseSpec("apiVersion: v1\nkind: Pod\n", "pod.yaml"))
                .hasMessage("pod.yaml is a Pod, not a CheckpointPolicy");
    }

    @Test
    void durations() {
        assertThat(PolicyValidator.parseDuration("48h")).isEqualTo(Duration.ofHours(48));
        assertThat(PolicyValidator.parseDuration("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(PolicyValidator.parseDuration("7d")).isEqualTo(Duration.ofDays(7));
        assertThat(PolicyValidator.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(PolicyValidator.parseDuration("h")).isNull();
        assertThat(PolicyValidator.parseDuration("3 h")).isNull();
    }
}
