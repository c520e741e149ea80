package dev.amber.archive;

import java.io.IOException;

/**
 * The archive cannot be read as a checkpoint: it is malformed, truncated, hostile or not a checkpoint at
 * all. The message is one line meant for the user, naming the archive and what is wrong with it.
 */
public class ArchiveException extends IOException {
    private static final long serialVersionUID = 1L;

    public ArchiveException(String message) {
        super(message);
    }

    public ArchiveException(String message, Throwable cause) {
        super(message, cause);
    }
}
