package dev.amber.retention;

import java.util.Map;
import java.util.Set;

/**
 * The pods and namespaces that exist, for orphan handling. Retention is given null instead when it does
 * not know (a one-shot run on a directory): then nothing counts as orphaned.
 *
 * @param pods by {@code namespace/name}
 */
public record LivePods(Map<String, Pod> pods, Set<String> namespaces) {
    public record Pod(String namespace, String name, String uid, Set<String> containers, Map<String, String> labels) {}

    public LivePods {
        pods = Map.copyOf(pods);
        namespaces = Set.copyOf(namespaces);
    }

    public Pod pod(String namespace, String name) {
        return pods.get(namespace + "/" + name);
    }
}
