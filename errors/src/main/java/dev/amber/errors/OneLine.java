package dev.amber.errors;

import java.nio.file.FileSystemException;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * An exception and its causes as one line for a person: each cause's first message line, outermost
 * first, joined by ": ", leaving out what an outer message already says and the wrappers that only
 * carry a cause ({@link CompletionException}, {@link ExecutionException}). Amber shows errors this
 * way everywhere (the CLI, the roles' logs, a resource's condition message), so that bad input or an
 * unreachable peer is one line, never a stack trace.
 *
 * <p>Two kinds of exception say too little by their message alone, and are completed here: a
 * {@link FileSystemException} whose message is only a path ({@code NoSuchFileException: /x}) gets what
 * went wrong after the path ({@code /x: no such file}), and a chain in which nothing has a message is
 * named by the outermost type ({@code ConnectException}), as network errors often are. A cause without a
 * message adds nothing to an outer message (a {@code ClosedChannelException} under "connection
 * refused"), so it is left out.
 */
public final class OneLine {
    /** Long enough for a few causes with paths; a chain longer than this is cut, not the line's meaning. */
    static final int MAX_LENGTH = 400;

    private static final int MAX_CAUSES = 8;

    private OneLine() {}

    public static String of(Throwable error) {
        StringBuilder line = new StringBuilder();
        int depth = 0;
        for (Throwable t = error;
                t != null && depth < MAX_CAUSES;
                t = t.getCause() == t ? null : t.getCause(), depth++) {
            if (onlyCarriesItsCause(t)) {
                continue;
            }
            String text = text(t);
            if (text == null || line.indexOf(text) >= 0) {
                continue;
            }
            if (!line.isEmpty()) {
                line.append(": ");
            }
            line.append(text);
            if (line.length() >= MAX_LENGTH) {
                return line.substring(0, MAX_LENGTH - 3) + "...";
            }
        }
        return line.isEmpty() ? firstTypeThatIsNotACarrier(error) : line.toString();
    }

    private static String firstTypeThatIsNotACarrier(Throwable error) {
        Throwable t = error;
        for (int depth = 0; onlyCarriesItsCause(t) && t.getCause() != t && depth < MAX_CAUSES; depth++) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName();
    }

    private static boolean onlyCarriesItsCause(Throwable t) {
        if (t.getCause() == null) {
            return false;
        }
        if (t instanceof CompletionException || t instanceof ExecutionException) {
            return true;
        }
        // new RuntimeException(cause) sets the message to cause.toString(): nothing of its own to say.
        return t.getMessage() == null || t.getMessage().equals(t.getCause().toString());
    }

    private static String text(Throwable t) {
        String message = t.getMessage() == null
                ? ""
                : t.getMessage().strip().lines().findFirst().orElse("");
        if (message.isEmpty()) {
            return null;
        }
        if (t instanceof FileSystemException fs
                && fs.getReason() == null
                && fs.getClass() != FileSystemException.class) {
            return message + ": " + words(fs.getClass().getSimpleName().replace("Exception", ""));
        }
        return message;
    }

    /** {@code NoSuchFile} becomes {@code no such file}. */
    private static String words(String camelCase) {
        return camelCase.replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT);
    }
}
