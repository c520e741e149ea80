package dev.amber.wrapper;

/**
 * What the node-state server said about this pod's node, or why it could not say.
 *
 * @param state {@code running}, {@code shutting-down} or {@code unknown} (also when unreachable)
 * @param reason the server's reason, or the error that prevented an answer
 * @param reachable whether the server answered at all
 */
public record NodeStateAnswer(String state, String reason, boolean reachable) {
    public static final String RUNNING = "running";
    public static final String SHUTTING_DOWN = "shutting-down";
    public static final String UNKNOWN = "unknown";

    public static NodeStateAnswer unreachable(String why) {
        return new NodeStateAnswer(UNKNOWN, why, false);
    }

    public boolean shuttingDown() {
        return SHUTTING_DOWN.equals(state);
    }

    public boolean running() {
        return RUNNING.equals(state);
    }
}
