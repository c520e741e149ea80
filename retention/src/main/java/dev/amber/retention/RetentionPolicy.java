package dev.amber.retention;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A validated {@code CheckpointPolicy} spec in the form the engine uses. Built only by the policy
 * validator (kube's {@code PolicyValidator}), so an instance is always safe to apply.
 *
 * @param checkpointDirectory the directory the policy names, or null when it names none (the agent's own applies)
 * @param globalContainer the global limits counted per container
 * @param globalPod the global limits counted per pod
 * @param globalNamespace the global limits counted per namespace
 * @param export null when nothing is exported
 */
public record RetentionPolicy(
        String checkpointDirectory,
        boolean applyPoliciesImmediately,
        List<Rule> containerRules,
        List<Rule> podRules,
        List<Rule> namespaceRules,
        Limits globalContainer,
        Limits globalPod,
        Limits globalNamespace,
        Export export) {

    public static final String DEFAULT_DIRECTORY = "/var/lib/kubelet/checkpoints";

    /** One entry of containerPolicies, podPolicies or namespacePolicies. {@code name} is e.g. {@code podPolicies[2]}. */
    public record Rule(String name, Level level, ArchiveMatcher matcher, Limits limits) {}

    /** Archives matching {@code matcher} are pushed to {@code repository} before they may be deleted. */
    public record Export(String repository, boolean plainHttp, Set<String> namespaces, LabelMatcher selector) {
        public boolean covers(dev.amber.retention.ArchiveRecord archive, Map<String, String> podLabels) {
            return (namespaces.isEmpty() || namespaces.contains(archive.namespace()))
                    && (selector == null || selector.matches(podLabels));
        }
    }
}
