package dev.amber.testkit.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NamespaceNameTest {

    static final class AVeryLongTestClassNameThatWouldNotFitIntoAKubernetesNamespaceName {}

    @Test
    void namespaceIsTheKebabCaseClassNameWithARandomSuffix() {
        String name = LocalClusterExtension.namespaceFor(NamespaceNameTest.class);

        assertThat(name).matches("namespace-name-test-[0-9a-f]{6}");
        assertThat(LocalClusterExtension.namespaceFor(NamespaceNameTest.class)).isNotEqualTo(name);
    }

    @Test
    void longClassNamesStayAValidDnsLabel() {
        String name = LocalClusterExtension.namespaceFor(
                AVeryLongTestClassNameThatWouldNotFitIntoAKubernetesNamespaceName.class);

        assertThat(name).hasSizeLessThanOrEqualTo(63).matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    }
}
