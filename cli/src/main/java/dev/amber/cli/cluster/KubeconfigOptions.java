package dev.amber.cli.cluster;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The user commands' way to a cluster, as kubectl's: {@code --kubeconfig}, else {@code $KUBECONFIG},
 * else {@code ~/.kube/config} (or the in-cluster service account); {@code --context} picks a context;
 * {@code -n} a namespace, defaulting to the context's.
 */
public final class KubeconfigOptions {
    @Option(
            names = "--kubeconfig",
            paramLabel = "FILE",
            description = "The kubeconfig to use (default: $KUBECONFIG, then ~/.kube/config).")
    Path kubeconfig;

    @Option(
            names = "--context",
            paramLabel = "NAME",
            description = "The kubeconfig context to use (default: its current context).")
    String context;

    @Option(
            names = {"-n", "--namespace"},
            paramLabel = "NAMESPACE",
            description = "The namespace (default: the context's).")
    String namespace;

    public KubernetesClient client() {
        // fabric8 warns on every v1alpha1 resource it touches; Amber's own resources are v1alpha1 by design.
        System.setProperty(
                "org.slf4j.simpleLogger.log.io.fabric8.kubernetes.client.dsl.internal.VersionUsageUtils", "off");
        Config config;
        if (kubeconfig != null) {
            try {
                config = Config.fromKubeconfig(context, Files.readString(kubeconfig), kubeconfig.toString());
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read --kubeconfig " + kubeconfig + ": " + e.getMessage(), e);
            }
        } else {
            config = Config.autoConfigure(context);
        }
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    public String namespace(KubernetesClient client) {
        if (namespace != null) {
            return namespace;
        }
        String fromContext = client.getNamespace();
        return fromContext == null ? "default" : fromContext;
    }
}
