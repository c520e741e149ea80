package dev.amber.operator;

import java.util.Set;

/**
 * What the operator is told at start (flags, the Helm chart's values), shared by its controllers.
 *
 * @param defaultRepository where {@code export: {}} pushes, or null when the user must name one
 * @param insecureRegistries {@code host:port} of registries reached over plain HTTP (a local registry)
 * @param defaultTimeoutSeconds the kubelet's checkpoint timeout when a Checkpoint names none
 */
public record OperatorSettings(String defaultRepository, Set<String> insecureRegistries, int defaultTimeoutSeconds) {
    public OperatorSettings {
        insecureRegistries = Set.copyOf(insecureRegistries);
    }

    /** Plain HTTP for the registry of {@code repository} ({@code host[:port]/path}). */
    public boolean plainHttp(String repository) {
        int slash = repository.indexOf('/');
        return insecureRegistries.contains(slash < 0 ? repository : repository.substring(0, slash));
    }
}
