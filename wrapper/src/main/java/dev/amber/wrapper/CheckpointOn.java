package dev.amber.wrapper;

import java.util.Locale;

/** When SIGTERM should turn into a checkpoint instead of reaching the app. */
public enum CheckpointOn {
    /** Every SIGTERM checkpoints: the container is always restored where it stopped. */
    ALWAYS,
    /** Only when the node-state server says the node is going away; other SIGTERMs reach the app. */
    NODE_SHUTDOWN,
    /** Never checkpoint; the wrapper only restores an existing checkpoint and forwards signals. */
    NEVER;

    public String yamlName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
