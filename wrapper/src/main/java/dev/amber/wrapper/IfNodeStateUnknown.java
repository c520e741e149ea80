package dev.amber.wrapper;

import java.util.Locale;

/** What {@code checkpointOn: node-shutdown} does when the node-state server cannot answer. */
public enum IfNodeStateUnknown {
    /** Keep the state: a needless checkpoint costs seconds, a lost one costs the app's work. */
    CHECKPOINT,
    /** Forward SIGTERM as if the node were staying. */
    TERMINATE;

    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
