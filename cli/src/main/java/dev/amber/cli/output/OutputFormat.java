package dev.amber.cli.output;

/** The output formats user commands offer: human-readable by default, JSON for scripts. */
public enum OutputFormat {
    TABLE,
    TREE,
    JSON
}
