package dev.amber.wrapper;

import com.fasterxml.jackson.annotation.JsonProperty;

/** When SIGTERM should turn into a checkpoint instead of reaching the app. */
public enum CheckpointOn {
    /** Every SIGTERM checkpoints: the container is always restored where it stopped. */
    @JsonProperty("always") ALWAYS,
    /** Only when the node-state server says the node is going away; other SIGTERMs reach the app. */
    @JsonProperty("node-shutdown") NODE_SHUTDOWN,
    /** Never checkpoint; the wrapper only restores an existing checkpoint and forwards signals. */
    @JsonProperty("never") NEVER;

    public String yamlName() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
