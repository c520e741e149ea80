package dev.amber.kube.kubelet;

import java.io.IOException;

/** A checkpoint request failed; the message says why and what to change, on one line. */
public final class KubeletCheckpointException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int status;

    public KubeletCheckpointException(String message, int status, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** The HTTP status, or 0 when there was no answer. */
    public int status() {
        return status;
    }
}
