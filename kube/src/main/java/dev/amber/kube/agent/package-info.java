/**
 * The seam to a node's agent, as the operator uses it: the agent takes checkpoints on its own node
 * (through its kubelet, which only it may call with {@code nodes/checkpoint}), so that an archive lands
 * where the pod ran and the operator never mounts a host path or reads an archive.
 *
 * <p>The contract ({@link CheckpointRequest}, {@link CheckpointOperation}) is asynchronous and
 * idempotent by request id: starting the same id twice returns the one operation, so an operator
 * that restarts, or a second replica that takes over, follows the work already under way instead of
 * checkpointing the container again. The agent runs at most one operation per container at a time.
 */
package dev.amber.kube.agent;
