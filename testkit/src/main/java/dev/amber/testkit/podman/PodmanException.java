package dev.amber.testkit.podman;

/** A podman command that failed, timed out or could not start; the message carries its stderr. */
public final class PodmanException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PodmanException(String message) {
        super(message);
    }

    PodmanException(String message, Throwable cause) {
        super(message, cause);
    }
}
