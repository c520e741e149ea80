package dev.amber.wrapper;

import java.util.function.Supplier;

/** Decides what a SIGTERM means: checkpoint the app, or pass the signal on. A pure function. */
final class TerminationPolicy {

    enum Action {
        CHECKPOINT,
        FORWARD
    }

    /** The action and the sentence the wrapper logs about it. */
    record Decision(Action action, String why) {}

    private TerminationPolicy() {}

    /** {@code nodeState} is only asked for {@code checkpointOn: node-shutdown}. */
    static Decision decide(WrapperConfig config, Supplier<NodeStateAnswer> nodeState) {
        return switch (config.checkpointOn()) {
            case ALWAYS -> new Decision(Action.CHECKPOINT, "checkpointOn: always");
            case NEVER -> new Decision(Action.FORWARD, "checkpointOn: never");
            case NODE_SHUTDOWN -> fromNodeState(config, nodeState.get());
        };
    }

    private static Decision fromNodeState(WrapperConfig config, NodeStateAnswer answer) {
        if (answer.shuttingDown()) {
            return new Decision(Action.CHECKPOINT, "the node is shutting down (" + answer.reason() + ")");
        }
        if (answer.running()) {
            return new Decision(Action.FORWARD, "the node is staying (" + answer.reason() + ")");
        }
        String what = answer.reachable()
                ? "the node-state server does not know the node's state (" + answer.reason() + ")"
                : "the node-state server is unreachable (" + answer.reason() + ")";
        return config.ifNodeStateUnknown() == IfNodeStateUnknown.CHECKPOINT
                ? new Decision(Action.CHECKPOINT, what + "; ifNodeStateUnknown: checkpoint")
                : new Decision(Action.FORWARD, what + "; ifNodeStateUnknown: terminate");
    }
}
