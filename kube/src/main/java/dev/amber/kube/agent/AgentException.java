package dev.amber.kube.agent;

/** An agent could not be reached or refused a request; the message is one line naming the agent. */
public final class AgentException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int status;

    /** @param status the agent's HTTP status, or 0 when no answer came */
    public AgentException(String message, int status, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    public int status() {
        return status;
    }

    /** Another checkpoint of the same container is under way: try again later. */
    public boolean busy() {
        return status == 409;
    }

    /** No answer, or the agent's own trouble (5xx): worth trying again. */
    public boolean transientFailure() {
        return status == 0 || status >= 500;
    }
}
