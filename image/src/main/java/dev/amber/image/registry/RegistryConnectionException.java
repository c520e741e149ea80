package dev.amber.image.registry;

import dev.amber.image.ImageException;

/** The connection to a registry failed or dropped: the request may succeed if tried again. */
public class RegistryConnectionException extends ImageException {
    private static final long serialVersionUID = 1L;

    public RegistryConnectionException(String message, Throwable cause) {
        super(message, cause);
    }
}
