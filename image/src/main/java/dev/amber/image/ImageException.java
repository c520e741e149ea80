package dev.amber.image;

import java.io.IOException;

/**
 * A checkpoint image cannot be built, stored or read: bad reference, refused credentials, a registry that
 * is unreachable or answers wrongly, a digest that does not match. The message is one line for the user.
 */
public class ImageException extends IOException {
    private static final long serialVersionUID = 1L;

    public ImageException(String message) {
        super(message);
    }

    public ImageException(String message, Throwable cause) {
        super(message, cause);
    }
}
