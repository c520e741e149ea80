package dev.amber.wrapper;

import java.util.List;
import java.util.Map;

/**
 * Written last into a checkpoint directory: its presence says the dump completed, and it carries
 * what a restore needs beyond CRIU's images.
 *
 * @param format version of this file's layout
 * @param createdAt when the dump finished (ISO-8601)
 * @param pid the dumped tree's root pid
 * @param command the wrapped command line
 * @param stdio the app's stdio descriptors that were pipes or sockets, e.g. {@code 1 -> pipe:[4711]};
 *     restore swaps each for the new container's descriptor
 */
public record CheckpointMarker(int format, String createdAt, long pid, List<String> command, Map<Integer, String> stdio) {
    public static final int FORMAT = 1;
    public static final String FILE_NAME = "amber-checkpoint.json";

    public CheckpointMarker {
        command = command == null ? List.of() : List.copyOf(command);
        stdio = stdio == null ? Map.of() : Map.copyOf(stdio);
    }
}
