package dev.amber.testkit.cluster;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Installs Amber's CRDs from {@code deploy/crds} into the test cluster. */
public final class CustomResourceDefinitions {
    private static final long ESTABLISHED_TIMEOUT_SECONDS = 60;

    private CustomResourceDefinitions() {}

    /**
     * Applies {@code deploy/crds/<file>} and returns once the API server serves the new type. An applied
     * CRD is not usable at once: until its {@code Established} condition is true, requests for the
     * resource answer 404, which a fresh cluster (and only a fresh one) shows.
     */
    public static CustomResourceDefinition install(KubernetesClient client, String file) {
        Path path = LocalCluster.repositoryRoot().resolve("deploy/crds").resolve(file);
        CustomResourceDefinition applied;
        try (InputStream in = Files.newInputStream(path)) {
            applied = client.apiextensions()
                    .v1()
                    .customResourceDefinitions()
                    .load(in)
                    // The committed CRD is the truth: it wins over whoever applied an older copy by hand.
                    .forceConflicts()
                    .serverSideApply();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
        return client.apiextensions()
                .v1()
                .customResourceDefinitions()
                .withName(applied.getMetadata().getName())
                .waitUntilCondition(
                        CustomResourceDefinitions::established, ESTABLISHED_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    static boolean established(CustomResourceDefinition crd) {
        return crd != null
                && crd.getStatus() != null
                && crd.getStatus().getConditions() != null
                && crd.getStatus().getConditions().stream()
                        .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
    }
}
