package dev.amber.wrapper;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

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
public record CheckpointMarker(
        int format, String createdAt, long pid, List<String> command, Map<Integer, String> stdio) {
    public static final int FORMAT = 1;
    public static final String FILE_NAME = "amber-checkpoint.json";

    public CheckpointMarker {
        command = command == null ? List.of() : List.copyOf(command);
        stdio = stdio == null ? Map.of() : Map.copyOf(stdio);
    }

    String toJson() {
        String cmd = command.stream().map(CheckpointMarker::quote).collect(Collectors.joining(", "));
        String fds = new TreeMap<>(stdio)
                .entrySet().stream()
                        .map(e -> quote(e.getKey().toString()) + ": " + quote(e.getValue()))
                        .collect(Collectors.joining(", "));
        return "{\n  \"format\": " + format + ",\n  \"createdAt\": " + quote(createdAt) + ",\n  \"pid\": " + pid
                + ",\n  \"command\": [" + cmd + "],\n  \"stdio\": {" + fds + "}\n}\n";
    }

    /** Reads {@link #toJson()}'s output; throws {@link IllegalArgumentException} on anything else. */
    static CheckpointMarker parse(String json) {
        try {
            Map<?, ?> m = (Map<?, ?>) WrapperConfigLoader.readYaml(json);
            Map<Integer, String> fds = new HashMap<>();
            Map<?, ?> stdio = m.get("stdio") == null ? Map.of() : (Map<?, ?>) m.get("stdio");
            stdio.forEach((k, v) -> fds.put(Integer.parseInt(String.valueOf(k)), String.valueOf(v)));
            List<String> command = m.get("command") == null
                    ? List.of()
                    : ((List<?>) m.get("command")).stream().map(String::valueOf).toList();
            return new CheckpointMarker(
                    ((Number) m.get("format")).intValue(),
                    String.valueOf(m.get("createdAt")),
                    ((Number) m.get("pid")).longValue(),
                    command,
                    fds);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a checkpoint marker: " + e.getMessage(), e);
        }
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
