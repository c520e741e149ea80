package dev.amber.testkit.cluster;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives a test class the real local cluster: starts it with {@code scripts/cluster up} (or reuses a
 * running one), creates a namespace for the class and deletes it afterwards. Test methods and
 * constructors may ask for a {@link KubernetesClient} (admin, defaulting to the class's namespace),
 * the {@link TestNamespace} and the {@link LocalCluster}.
 */
public final class LocalClusterExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

    /** Label on every namespace this extension creates; its value is the test class's simple name. */
    public static final String TEST_CLASS_LABEL = "amber.dev/test-class";

    private static final ExtensionContext.Namespace STORE =
            ExtensionContext.Namespace.create(LocalClusterExtension.class);
    private static final long NAMESPACE_READY_SECONDS = 60;
    private static final long NAMESPACE_GONE_SECONDS = 120;

    @Override
    public void beforeAll(ExtensionContext context) {
        LocalCluster cluster = LocalCluster.up();
        TestNamespace namespace = new TestNamespace(namespaceFor(context.getRequiredTestClass()));
        KubernetesClient client = cluster.newClient(namespace.name());
        client.namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName(namespace.name())
                        .addToLabels(
                                TEST_CLASS_LABEL, context.getRequiredTestClass().getSimpleName())
                        .endMetadata()
                        .build())
                .create();
        // Pods are refused until the service-account controller has made the namespace's default account.
        client.serviceAccounts()
                .inNamespace(namespace.name())
                .withName("default")
                .waitUntilCondition(account -> account != null, NAMESPACE_READY_SECONDS, TimeUnit.SECONDS);
        ExtensionContext.Store store = context.getStore(STORE);
        store.put(LocalCluster.class, cluster);
        store.put(TestNamespace.class, namespace);
        store.put(KubernetesClient.class, client);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        ExtensionContext.Store store = context.getStore(STORE);
        LocalCluster cluster = store.get(LocalCluster.class, LocalCluster.class);
        TestNamespace namespace = store.get(TestNamespace.class, TestNamespace.class);
        KubernetesClient client = store.get(KubernetesClient.class, KubernetesClient.class);
        if (client == null) {
            return;
        }
        try (client) {
            // A test may have taken the cluster down itself; then there is nothing left to delete.
            if (cluster.isRunning()) {
                client.namespaces().withName(namespace.name()).delete();
                client.namespaces()
                        .withName(namespace.name())
                        .waitUntilCondition(ns -> ns == null, NAMESPACE_GONE_SECONDS, TimeUnit.SECONDS);
            }
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == KubernetesClient.class || type == TestNamespace.class || type == LocalCluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        Object value = context.getStore(STORE).get(type);
        if (value == null) {
            throw new IllegalStateException(type.getSimpleName() + " is only available after @BeforeAll of "
                    + LocalClusterExtension.class.getSimpleName());
        }
        return value;
    }

    static String namespaceFor(Class<?> testClass) {
        String base = testClass
                .getSimpleName()
                .replaceAll("([a-z0-9])([A-Z])", "$1-$2")
                .toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9-]", "-");
        if (base.length() > 40) {
            base = base.substring(0, 40);
        }
        return (base + "-" + UUID.randomUUID().toString().substring(0, 6)).replaceAll("-+", "-");
    }
}
