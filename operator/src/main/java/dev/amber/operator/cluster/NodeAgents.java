package dev.amber.operator.cluster;

import dev.amber.kube.agent.AgentClient;
import dev.amber.kube.agent.AgentException;

/** Finds the agent that runs on a node. */
public interface NodeAgents {
    /**
     * @throws AgentException with status 0 when no Ready agent runs on {@code node}
     */
    AgentClient onNode(String node) throws AgentException;
}
