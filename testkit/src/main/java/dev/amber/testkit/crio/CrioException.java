package dev.amber.testkit.crio;

/** A crictl command or scripts/crio failed; the message carries the command and its stderr. */
public class CrioException extends RuntimeException {
    public CrioException(String message) {
        super(message);
    }

    public CrioException(String message, Throwable cause) {
        super(message, cause);
    }
}
