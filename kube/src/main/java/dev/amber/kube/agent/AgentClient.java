package dev.amber.kube.agent;

import java.util.Optional;

/** One node's agent. {@link HttpAgentClient} talks to a real one; tests use a fake. */
public interface AgentClient {
    /**
     * Starts the checkpoint, or returns the operation already known under {@code request.id()}.
     *
     * @throws AgentException when the agent cannot be reached or refuses (another checkpoint of the same
     *     container is running under a different id: {@link AgentException#busy()})
     */
    CheckpointOperation start(CheckpointRequest request) throws AgentException;

    /** The operation with this id, or empty when the agent knows none (it may have restarted). */
    Optional<CheckpointOperation> find(String id) throws AgentException;

    /**
     * Deletes an archive of the node's checkpoint directory, by file name; the agent allows it to callers with
     * {@code delete} on {@code checkpointarchives.amber.dev} in the archive's namespace, and refuses a pinned one.
     *
     * @return false when the agent knows no such archive (deleted already, or never indexed)
     */
    boolean deleteArchive(String fileName) throws AgentException;
}
