package dev.amber.wrapper;

/** A failure the user can act on; its message is one line that says what to fix. */
public class WrapperException extends RuntimeException {
    public WrapperException(String message) {
        super(message);
    }

    public WrapperException(String message, Throwable cause) {
        super(message, cause);
    }
}
