package dev.amber.retention;

import java.util.Map;

/**
 * Which archives a policy entry covers: every named field must equal the archive's, and the selector
 * (if any) must match the pod's labels.
 */
public record ArchiveMatcher(String namespace, String pod, String container, LabelMatcher selector) {
    public boolean matches(ArchiveRecord archive, Map<String, String> podLabels) {
        return (namespace == null || namespace.equals(archive.namespace()))
                && (pod == null || pod.equals(archive.pod()))
                && (container == null || container.equals(archive.container()))
                && (selector == null || selector.matches(podLabels));
    }
}
