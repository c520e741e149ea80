package dev.amber.cli.output;

/** The formats of the table-printing commands: a table for people, JSON for scripts. */
public enum OutputFormat {
    table,
    json
}
