package dev.amber.e2e.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.amber.testkit.cluster.LocalCluster;
import dev.amber.testkit.cluster.TestNamespace;
import dev.amber.testkit.process.ExternalCommand;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The manifests Amber ships, deployed by tests as they are, with the few changes a test on the shared
 * local cluster needs; each test says which it makes and why. The namespace becomes the test class's
 * own instead of {@code amber-system}, and cluster-scoped objects are named after it, so that runs
 * neither collide nor leave anything behind.
 */
final class ShippedManifests {
    static final String SHIPPED_NAMESPACE = "amber-system";
    private static final String LOCAL_IMAGE = "localhost/amber/amber:dev";
    private static final Duration IMAGE_BUILD_TIMEOUT = Duration.ofMinutes(15);

    private ShippedManifests() {}

    /** Builds the {@code amber} image (or finds it up to date) and pushes it under a tag of this run. */
    static String pushAmberImage(Path repository, TestNamespace namespace) throws Exception {
        // The jars come from the build this test runs in; Maven must not rewrite them under this JVM.
        String built = run(
                repository,
                IMAGE_BUILD_TIMEOUT,
                Map.of("AMBER_IMAGE_JARS_BUILT", "1"),
                repository.resolve("deploy/image/build").toString(),
                LOCAL_IMAGE);
        assertThat(built.strip().lines().toList().getLast()).isEqualTo(LOCAL_IMAGE);
        String image = LocalCluster.REGISTRY + "/amber/amber:" + namespace.name();
        run(
                repository,
                Duration.ofMinutes(5),
                Map.of(),
                "buildah",
                "push",
                "--quiet",
                "--tls-verify=false",
                LOCAL_IMAGE,
                "docker://" + image);
        return image;
    }

    /** The objects of a manifest file of the repository. */
    static List<HasMetadata> load(Path repository, String manifest, KubernetesClient client) throws IOException {
        try (InputStream in = Files.newInputStream(repository.resolve(manifest))) {
            return client.load(in).items();
        }
    }

    /**
     * Creates a manifest's access objects for the test: the ServiceAccount in the test namespace, the
     * ClusterRoles and bindings named for it (added to {@code clusterScoped}); the Namespace is only
     * checked to be the shipped one. False for any other kind, which the caller applies itself.
     */
    static boolean createAccessObject(
            HasMetadata object, TestNamespace namespace, KubernetesClient client, List<HasMetadata> clusterScoped) {
        switch (object) {
            case Namespace ns -> assertThat(ns.getMetadata().getName()).isEqualTo(SHIPPED_NAMESPACE);
            case ServiceAccount account ->
                client.serviceAccounts()
                        .resource(inTestNamespace(account, namespace))
                        .create();
            case ClusterRole role ->
                clusterScoped.add(client.rbac()
                        .clusterRoles()
                        .resource(namedFor(role, namespace))
                        .create());
            case ClusterRoleBinding binding ->
                clusterScoped.add(client.rbac()
                        .clusterRoleBindings()
                        .resource(namedFor(binding, namespace))
                        .create());
            default -> {
                return false;
            }
        }
        return true;
    }

    static <T extends HasMetadata> T inTestNamespace(T object, TestNamespace namespace) {
        assertThat(object.getMetadata().getNamespace()).isEqualTo(SHIPPED_NAMESPACE);
        object.getMetadata().setNamespace(namespace.name());
        return object;
    }

    private static ClusterRole namedFor(ClusterRole role, TestNamespace namespace) {
        role.getMetadata().setName(namespace.name() + "-" + role.getMetadata().getName());
        return role;
    }

    /** Named for the test, bound to the role named for it, its subjects moved into the test namespace. */
    private static ClusterRoleBinding namedFor(ClusterRoleBinding binding, TestNamespace namespace) {
        binding.getMetadata()
                .setName(namespace.name() + "-" + binding.getMetadata().getName());
        binding.getRoleRef()
                .setName(namespace.name() + "-" + binding.getRoleRef().getName());
        binding.getSubjects().forEach(subject -> {
            assertThat(subject.getNamespace()).isEqualTo(SHIPPED_NAMESPACE);
            subject.setNamespace(namespace.name());
        });
        return binding;
    }

    /**
     * Points the container at the API server where the {@code kubernetes} Service's endpoints say it
     * is. This cluster has no kube-proxy, so that Service's ClusterIP, which the kubelet puts in
     * {@code KUBERNETES_SERVICE_HOST}, leads nowhere; the endpoints are where a kube-proxy would send
     * the pods.
     */
    static void useApiServerInsteadOfItsService(Container container, KubernetesClient client) {
        EndpointSlice slice = client.discovery()
                .v1()
                .endpointSlices()
                .inNamespace("default")
                .withLabel("kubernetes.io/service-name", "kubernetes")
                .list()
                .getItems()
                .getFirst();
        List<EnvVar> env = new ArrayList<>(container.getEnv() == null ? List.of() : container.getEnv());
        env.add(new EnvVar(
                "KUBERNETES_SERVICE_HOST",
                slice.getEndpoints().getFirst().getAddresses().getFirst(),
                null));
        env.add(new EnvVar(
                "KUBERNETES_SERVICE_PORT",
                String.valueOf(slice.getPorts().getFirst().getPort()),
                null));
        container.setEnv(env);
    }

    /** Runs a command in {@code dir}; returns its stdout, fails with its output when it fails. */
    static String run(Path dir, Duration timeout, Map<String, String> environment, String... command) throws Exception {
        ExternalCommand.Result result = ExternalCommand.run(List.of(command), dir, environment, timeout);
        assertThat(result.exitCode())
                .as("%s failed:\n%s%s", String.join(" ", command), result.stdout(), result.stderr())
                .isZero();
        return result.stdout();
    }
}
