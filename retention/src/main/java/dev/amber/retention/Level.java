package dev.amber.retention;

/** The scope a limit counts over. */
public enum Level {
    CONTAINER("container"),
    POD("pod"),
    NAMESPACE("namespace");

    private final String word;

    Level(String word) {
        this.word = word;
    }

    public String word() {
        return word;
    }
}
