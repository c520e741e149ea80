package dev.amber.archive.model;

/** CRIU's task states; names as checkpointctl prints them. */
public enum TaskState {
    ALIVE(1, "Alive"),
    DEAD(2, "Dead"),
    STOPPED(3, "Stopped"),
    ZOMBIE(6, "Zombie"),
    UNKNOWN(0, "Unknown");

    private final int code;
    private final String label;

    TaskState(int code, String label) {
        this.code = code;
        this.label = label;
    }

    public String label() {
        return label;
    }

    public boolean aliveOrStopped() {
        return this == ALIVE || this == STOPPED;
    }

    public static TaskState of(int code) {
        for (TaskState s : values()) {
            if (s.code == code) {
                return s;
            }
        }
        return UNKNOWN;
    }
}
