package dev.amber.cli;

/** Entry point of the one {@code amber} executable. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(AmberCommand.commandLine(args).execute(args));
    }
}
