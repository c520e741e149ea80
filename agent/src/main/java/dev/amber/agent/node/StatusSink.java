package dev.amber.agent.node;

import dev.amber.retention.InvalidPolicyException;

/** Where the agent reports what it did: the policy's status in a cluster, the log elsewhere. */
public interface StatusSink {
    StatusSink NONE = new StatusSink() {
        @Override
        public void report(NodeReport report) {}

        @Override
        public void policyRejected(InvalidPolicyException problem) {}
    };

    void report(NodeReport report);

    /** The policy was rejected; the agent keeps applying the last valid one (or none). */
    void policyRejected(InvalidPolicyException problem);
}
