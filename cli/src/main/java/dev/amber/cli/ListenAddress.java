package dev.amber.cli;

import java.net.InetSocketAddress;

/** A {@code HOST:PORT} option of a server role; a value that is not one is a one-line usage error. */
public final class ListenAddress {
    private ListenAddress() {}

    /**
     * @param option the flag, for the message (e.g. {@code --listen})
     * @param value {@code HOST:PORT}, or {@code :PORT} for every address
     */
    public static InetSocketAddress parse(String option, String value) {
        int colon = value.lastIndexOf(':');
        int port;
        try {
            port = Integer.parseInt(value.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be HOST:PORT, not '" + value + "'");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(option + " has no port " + port + ": '" + value + "'");
        }
        return new InetSocketAddress(colon > 0 ? value.substring(0, colon) : "0.0.0.0", port);
    }
}
