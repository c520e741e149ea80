package dev.amber.cri;

/** The container runtime could not be asked, or did not answer; the message is one line for a person. */
public final class CriException extends Exception {
    private static final long serialVersionUID = 1L;

    public CriException(String message, Throwable cause) {
        super(message, cause);
    }
}
