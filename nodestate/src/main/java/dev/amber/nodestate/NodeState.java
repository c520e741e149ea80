package dev.amber.nodestate;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * What the server answers for one node: {@code {"name", "state", "reason"}}.
 *
 * @param reason the evidence for the state, in words an operator recognises (the taint, the condition)
 */
public record NodeState(String name, State state, String reason) {

    public enum State {
        RUNNING("running"),
        SHUTTING_DOWN("shutting-down"),
        UNKNOWN("unknown");

        private final String wireName;

        State(String wireName) {
            this.wireName = wireName;
        }

        @JsonValue
        public String wireName() {
            return wireName;
        }
    }

    static NodeState running(String name, String reason) {
        return new NodeState(name, State.RUNNING, reason);
    }

    static NodeState shuttingDown(String name, String reason) {
        return new NodeState(name, State.SHUTTING_DOWN, reason);
    }

    static NodeState unknown(String name, String reason) {
        return new NodeState(name, State.UNKNOWN, reason);
    }
}
