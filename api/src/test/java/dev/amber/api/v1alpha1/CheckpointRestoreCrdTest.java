package dev.amber.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** What the generated CRDs promise the API server will enforce: the CEL rules, the columns, the schema's shape. */
class CheckpointRestoreCrdTest {
    @Test
    void checkpointCrd() throws IOException {
        CustomResourceDefinition crd = crd("checkpoints.amber.dev");
        CustomResourceDefinitionVersion version = crd.getSpec().getVersions().get(0);
        JSONSchemaProps root = version.getSchema().getOpenAPIV3Schema();
        JSONSchemaProps spec = root.getProperties().get("spec");
        JSONSchemaProps status = root.getProperties().get("status");

        assertThat(crd.getSpec().getGroup()).isEqualTo("amber.dev");
        assertThat(crd.getSpec().getScope()).isEqualTo("Namespaced");
        assertThat(crd.getSpec().getNames().getShortNames()).containsExactly("ckpt");
        assertThat(version.getName()).isEqualTo("v1alpha1");
        assertThat(version.getSubresources().getStatus()).isNotNull();
        assertThat(root.getRequired()).containsExactly("spec");

        assertThat(spec.getXKubernetesValidations())
                .extracting(ValidationRule::getRule, ValidationRule::getMessage)
                .containsExactly(tuple("self == oldSelf", "spec is immutable: create a new Checkpoint to try again"));
        assertThat(spec.getRequired()).containsExactly("podName");
        assertThat(spec.getProperties().get("timeoutSeconds").getMinimum()).isEqualTo(1.0);
        assertThat(spec.getProperties().get("deletionPolicy").getDefault().asText())
                .isEqualTo("Retain");
        assertThat(spec.getProperties().get("deletionPolicy").getEnum())
                .extracting(node -> node.asText())
                .containsExactlyInAnyOrder(names(DeletionPolicy.values()));
        assertThat(spec.getProperties().get("export").getProperties()).containsOnlyKeys("image", "pushSecretName");

        assertThat(status.getProperties().get("phase").getEnum())
                .extracting(node -> node.asText())
                .containsExactlyInAnyOrder(names(CheckpointPhase.values()));
        JSONSchemaProps podTemplate = status.getProperties().get("podTemplate");
        assertThat(podTemplate.getXKubernetesPreserveUnknownFields()).isTrue();
        assertThat(podTemplate.getProperties())
                .as("the pod's schema is left out")
                .isNullOrEmpty();

        assertThat(version.getAdditionalPrinterColumns())
                .extracting(CustomResourceColumnDefinition::getName, CustomResourceColumnDefinition::getJsonPath)
                .containsExactlyInAnyOrder(
                        tuple("Phase", ".status.phase"),
                        tuple("Pod", ".spec.podName"),
                        tuple("Node", ".status.nodeName"),
                        tuple("Age", ".metadata.creationTimestamp"));
        assertThat(column(version, "Age").getType()).isEqualTo("date");
    }

    @Test
    void restoreCrd() throws IOException {
        CustomResourceDefinition crd = crd("restores.amber.dev");
        CustomResourceDefinitionVersion version = crd.getSpec().getVersions().get(0);
        JSONSchemaProps root = version.getSchema().getOpenAPIV3Schema();
        JSONSchemaProps spec = root.getProperties().get("spec");
        JSONSchemaProps status = root.getProperties().get("status");

        assertThat(crd.getSpec().getScope()).isEqualTo("Namespaced");
        assertThat(crd.getSpec().getNames().getShortNames()).containsExactly("rst");
        assertThat(root.getRequired()).containsExactly("spec");

        assertThat(spec.getXKubernetesValidations())
                .extracting(ValidationRule::getRule, ValidationRule::getMessage)
                .containsExactly(
                        tuple(
                                "has(self.checkpointName) != has(self.image)",
                                "exactly one of checkpointName and image must be set"),
                        tuple(
                                "!has(self.checkpointNamespace) || has(self.checkpointName)",
                                "checkpointNamespace is only allowed with checkpointName"),
                        tuple("self == oldSelf", "spec is immutable: create a new Restore to try again"));
        assertThat(spec.getRequired()).isNullOrEmpty();
        assertThat(spec.getProperties().get("image").getPattern()).isEqualTo(RestoreSpec.IMAGE_BY_DIGEST_PATTERN);
        assertThat(spec.getProperties().get("podOverrides").getProperties()).containsOnlyKeys("labels", "annotations");

        assertThat(status.getProperties().get("phase").getEnum())
                .extracting(node -> node.asText())
                .containsExactlyInAnyOrder(names(RestorePhase.values()));

        assertThat(version.getAdditionalPrinterColumns())
                .extracting(
                        CustomResourceColumnDefinition::getName,
                        CustomResourceColumnDefinition::getJsonPath,
                        CustomResourceColumnDefinition::getPriority)
                .containsExactlyInAnyOrder(
                        tuple("Phase", ".status.phase", 0),
                        tuple("Pod", ".status.podName", 0),
                        tuple("Node", ".status.nodeName", 0),
                        tuple("Backend", ".status.backend", 0),
                        tuple("Age", ".metadata.creationTimestamp", 0),
                        tuple("Checkpoint", ".spec.checkpointName", 1));
        assertThat(column(version, "Age").getType()).isEqualTo("date");
    }

    private static CustomResourceDefinition crd(String name) throws IOException {
        String resource = "/META-INF/fabric8/" + name + "-v1.yml";
        try (InputStream in = CheckpointRestoreCrdTest.class.getResourceAsStream(resource)) {
            assertThat(in)
                    .as("%s on the class path (the build generates it)", resource)
                    .isNotNull();
            CustomResourceDefinition crd = Serialization.unmarshal(in, CustomResourceDefinition.class);
            assertThat(crd.getMetadata().getName()).isEqualTo(name);
            assertThat(crd.getSpec().getVersions()).hasSize(1);
            return crd;
        }
    }

    private static CustomResourceColumnDefinition column(CustomResourceDefinitionVersion version, String name) {
        return version.getAdditionalPrinterColumns().stream()
                .filter(column -> column.getName().equals(name))
                .findFirst()
                .orElseThrow();
    }

    private static String[] names(Enum<?>[] values) {
        return Arrays.stream(values).map(Enum::name).toArray(String[]::new);
    }
}
