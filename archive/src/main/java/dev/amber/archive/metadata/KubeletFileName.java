package dev.amber.archive.metadata;

import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The kubelet names archives {@code checkpoint-<pod>_<namespace>-<container>-<RFC3339 time>.tar}. Pod
 * names cannot contain '_', so the pod is certain; namespace and container both may contain '-', so the
 * split between them needs the namespace from {@code spec.dump} when there is one.
 */
public record KubeletFileName(String pod, String namespaceAndContainer, Instant time) {
    private static final Pattern NAME =
            Pattern.compile("checkpoint-([^_/]+)_(.+)-(\\d{4}-\\d{2}-\\d{2}T[0-9:.]+(?:Z|[+-]\\d{2}:\\d{2}))\\.tar");

    /** Null when the name is not a kubelet checkpoint name. */
    public static KubeletFileName parse(String fileName) {
        Matcher m = NAME.matcher(fileName);
        if (!m.matches()) {
            return null;
        }
        return new KubeletFileName(m.group(1), m.group(2), Json.time(m.group(3)));
    }

    /** The container name given the namespace, or null when the name does not start with it. */
    public String container(String namespace) {
        String prefix = namespace + "-";
        return namespace != null && namespaceAndContainer.startsWith(prefix)
                ? namespaceAndContainer.substring(prefix.length())
                : null;
    }
}
