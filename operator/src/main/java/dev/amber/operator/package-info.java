/**
 * The operator: declarative checkpoints and restores (then migration and failover), read as the
 * Flink Kubernetes Operator reads. Each controller is thin: it observes the cluster through one seam
 * per external system ({@link dev.amber.operator.cluster.Workloads} for pods and secrets,
 * {@link dev.amber.operator.cluster.NodeAgents} for the node agents, each with a fake in the tests),
 * decides the next step with a pure function, and records the outcome through the one status recorder
 * of its kind. Desired state never depends on anything but the resource and what was observed, so it
 * is unit-tested without a cluster; the flows are tested on the local cluster.
 */
package dev.amber.operator;
