package dev.amber.archive.criu;

/** Linux TCP state numbers (also used by CRIU for unix sockets) to their names. */
final class SocketStates {
    private static final String[] NAMES = {
        "UNKNOWN",
        "ESTABLISHED",
        "SYN_SENT",
        "SYN_RECV",
        "FIN_WAIT1",
        "FIN_WAIT2",
        "TIME_WAIT",
        "CLOSE",
        "CLOSE_WAIT",
        "LAST_ACK",
        "LISTEN",
        "CLOSING",
        "NEW_SYN_RECV"
    };

    private SocketStates() {}

    static String name(int state) {
        return state >= 0 && state < NAMES.length ? NAMES[state] : "STATE" + state;
    }
}
