package dev.amber.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** Whether the policy is valid, and what each node's agent did with it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CheckpointPolicyStatus {
    /** {@code Valid} (True/False with the validation message). */
    public List<Condition> conditions = new ArrayList<>();

    /** One entry per node whose agent follows the policy, keyed by {@code nodeName}. */
    public List<NodeRetentionStatus> nodes = new ArrayList<>();
}
