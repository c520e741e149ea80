/**
 * Reads checkpoint archives written by Podman and by the kubelet (CRI-O or containerd), and the CRIU
 * images inside them. Has no Kubernetes dependency, so it serves the CLI, the agent and the operator alike.
 */
package dev.amber.archive;
