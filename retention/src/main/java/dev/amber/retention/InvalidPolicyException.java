package dev.amber.retention;

/** A policy that cannot be applied safely; the message says which field is wrong and why, on one line. */
public final class InvalidPolicyException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidPolicyException(String message) {
        super(message);
    }
}
