package dev.amber.cli.demo;

/** A demo step that could not be done; its message is the one line the user sees. */
final class DemoException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DemoException(String message) {
        super(message);
    }
}
