package dev.amber.kube.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.amber.api.v1alpha1.CheckpointPolicy;
import dev.amber.api.v1alpha1.CheckpointPolicySpec;
import dev.amber.retention.InvalidPolicyException;
import dev.amber.retention.RetentionPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads a policy from YAML or JSON: either a whole {@code CheckpointPolicy} resource or just its spec.
 * Unknown fields are errors, so a misspelt limit is reported instead of silently ignored.
 */
public final class PolicyFiles {
    private static final ObjectMapper YAML =
            new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private PolicyFiles() {}

    public static RetentionPolicy load(Path file) throws IOException, InvalidPolicyException {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new InvalidPolicyException("policy file " + file + " does not exist");
        }
        return PolicyValidator.validate(parseSpec(text, file.toString()));
    }

    public static CheckpointPolicySpec parseSpec(String text, String source) throws InvalidPolicyException {
        try {
            JsonNode root = YAML.readTree(text);
            if (root == null || !root.isObject()) {
                throw new InvalidPolicyException(source + " holds no policy (expected a CheckpointPolicy or its spec)");
            }
            if (root.has("kind") || root.has("apiVersion")) {
                String kind = root.path("kind").asText();
                if (!"CheckpointPolicy".equals(kind)) {
                    throw new InvalidPolicyException(source + " is a " + kind + ", not a CheckpointPolicy");
                }
                String apiVersion = root.path("apiVersion").asText();
                String expected = CheckpointPolicy.GROUP + "/" + CheckpointPolicy.VERSION;
                if (!expected.equals(apiVersion)) {
                    throw new InvalidPolicyException(
                            source + " has apiVersion " + apiVersion + ", expected " + expected);
                }
                root = root.path("spec");
                if (!root.isObject()) {
                    throw new InvalidPolicyException(source + " has no spec");
                }
            }
            return YAML.treeToValue(root, CheckpointPolicySpec.class);
        } catch (UnrecognizedPropertyException e) {
            throw new InvalidPolicyException(source + ": unknown field '" + e.getPropertyName() + "' at "
                    + e.getPathReference().replaceAll("dev\\.amber\\.api\\.v1alpha1\\.", ""));
        } catch (JsonProcessingException e) {
            throw new InvalidPolicyException(source + " is not valid YAML: " + e.getOriginalMessage());
        }
    }
}
