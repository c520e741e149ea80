package dev.amber.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The JSON field names of Checkpoint and Restore are the interface between users, the operator and the agents:
 * they are checked here one by one, as fabric8's Serialization writes them, and read back.
 */
class CheckpointRestoreJsonTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DIGEST = "sha256:" + "ab".repeat(32);

    @Test
    void checkpointFieldNames() throws Exception {
        Checkpoint checkpoint = checkpoint();

        JsonNode json = JSON.readTree(Serialization.asJson(checkpoint));

        assertThat(json.at("/apiVersion").asText()).isEqualTo("amber.dev/v1alpha1");
        assertThat(json.at("/kind").asText()).isEqualTo("Checkpoint");
        assertThat(fieldNames(json.at("/spec")))
                .containsExactlyInAnyOrder("podName", "containers", "timeoutSeconds", "export", "deletionPolicy");
        assertThat(json.at("/spec/podName").asText()).isEqualTo("web-0");
        assertThat(json.at("/spec/containers/1").asText()).isEqualTo("sidecar");
        assertThat(json.at("/spec/timeoutSeconds").asInt()).isEqualTo(120);
        assertThat(fieldNames(json.at("/spec/export"))).containsExactlyInAnyOrder("image", "pushSecretName");
        assertThat(json.at("/spec/export/image").asText()).isEqualTo("registry.example:5000/checkpoints");
        assertThat(json.at("/spec/export/pushSecretName").asText()).isEqualTo("push-credentials");
        assertThat(json.at("/spec/deletionPolicy").asText()).isEqualTo("Delete");

        assertThat(fieldNames(json.at("/status")))
                .containsExactlyInAnyOrder(
                        "conditions",
                        "observedGeneration",
                        "phase",
                        "nodeName",
                        "containers",
                        "containerSkewSeconds",
                        "podTemplate",
                        "startTime",
                        "completionTime");
        assertThat(json.at("/status/phase").asText()).isEqualTo("Succeeded");
        assertThat(json.at("/status/observedGeneration").asLong()).isEqualTo(1L);
        assertThat(json.at("/status/conditions/0/type").asText()).isEqualTo(ConditionTypes.READY);
        assertThat(json.at("/status/conditions/0/status").asText()).isEqualTo("True");
        assertThat(json.at("/status/nodeName").asText()).isEqualTo("node-a");
        assertThat(json.at("/status/containerSkewSeconds").asDouble()).isEqualTo(0.25);
        assertThat(json.at("/status/startTime").asText()).isEqualTo("2026-01-02T03:04:05Z");
        assertThat(json.at("/status/completionTime").asText()).isEqualTo("2026-01-02T03:04:09Z");
        assertThat(json.at("/status/podTemplate/metadata/labels/app").asText()).isEqualTo("web");
        assertThat(json.at("/status/podTemplate/spec/containers/0/name").asText())
                .isEqualTo("app");

        JsonNode container = json.at("/status/containers/0");
        assertThat(fieldNames(container))
                .containsExactlyInAnyOrder(
                        "name", "archivePath", "archiveSize", "image", "dumpStatistics", "checkpointedAt");
        assertThat(container.at("/name").asText()).isEqualTo("app");
        assertThat(container.at("/archivePath").asText())
                .isEqualTo("/var/lib/kubelet/checkpoints/checkpoint-web-0_default-app-2026-01-02T03:04:05Z.tar");
        assertThat(container.at("/archiveSize").asLong()).isEqualTo(5_000_000_000L);
        assertThat(container.at("/image").asText()).isEqualTo("registry.example:5000/checkpoints@" + DIGEST);
        assertThat(container.at("/checkpointedAt").asText()).isEqualTo("2026-01-02T03:04:07Z");
        assertThat(fieldNames(container.at("/dumpStatistics")))
                .containsExactlyInAnyOrder(
                        "freezingTimeMicros",
                        "frozenTimeMicros",
                        "memdumpTimeMicros",
                        "memwriteTimeMicros",
                        "pagesScanned",
                        "pagesSkippedParent",
                        "pagesWritten");
        assertThat(container.at("/dumpStatistics/frozenTimeMicros").asLong()).isEqualTo(2L);
        assertThat(container.at("/dumpStatistics/pagesSkippedParent").asLong()).isEqualTo(6L);
    }

    @Test
    void checkpointReadsBack() {
        Checkpoint read = Serialization.unmarshal(Serialization.asJson(checkpoint()), Checkpoint.class);

        assertThat(read.getSpec().deletionPolicy).isEqualTo(DeletionPolicy.Delete);
        assertThat(read.getSpec().containers).containsExactly("app", "sidecar");
        assertThat(read.getStatus().phase).isEqualTo(CheckpointPhase.Succeeded);
        assertThat(read.getStatus().containers.get(0).dumpStatistics.pagesWritten)
                .isEqualTo(7L);
        assertThat(read.getStatus().podTemplate.getSpec().getContainers().get(0).getImage())
                .isEqualTo("busybox");
        assertThat(read.getStatus().conditions).extracting(Condition::getType).containsExactly(ConditionTypes.READY);
    }

    @Test
    void anEmptyExportIsKeptAsAnEmptyObject() throws Exception {
        Checkpoint checkpoint = new Checkpoint();
        checkpoint.setMetadata(new ObjectMetaBuilder().withName("c").build());
        checkpoint.setSpec(new CheckpointSpec());
        checkpoint.getSpec().podName = "web-0";
        checkpoint.getSpec().export = new CheckpointExport();

        JsonNode json = JSON.readTree(Serialization.asJson(checkpoint));

        assertThat(json.at("/spec/export").isObject()).isTrue();
        assertThat(json.at("/spec/export").isEmpty()).isTrue();
        assertThat(json.at("/spec").has("timeoutSeconds")).isFalse();
        assertThat(json.at("/spec").has("deletionPolicy")).isFalse();
        assertThat(json.has("status")).isFalse();
    }

    /** The spec is immutable (self == oldSelf): reading a spec and writing it back must not add a field. */
    @Test
    void aSpecReadAndWrittenBackIsUnchanged() throws Exception {
        String checkpoint = """
                {"apiVersion":"amber.dev/v1alpha1","kind":"Checkpoint","metadata":{"name":"c"},\
                "spec":{"podName":"web-0","deletionPolicy":"Retain"}}""";
        String restore = """
                {"apiVersion":"amber.dev/v1alpha1","kind":"Restore","metadata":{"name":"r"},\
                "spec":{"checkpointName":"c"}}""";

        assertThat(writtenBack(checkpoint, Checkpoint.class).at("/spec"))
                .isEqualTo(JSON.readTree(checkpoint).at("/spec"));
        assertThat(writtenBack(restore, Restore.class).at("/spec"))
                .isEqualTo(JSON.readTree(restore).at("/spec"));
    }

    @Test
    void restoreFieldNames() throws Exception {
        Restore restore = restore();

        JsonNode json = JSON.readTree(Serialization.asJson(restore));

        assertThat(json.at("/apiVersion").asText()).isEqualTo("amber.dev/v1alpha1");
        assertThat(json.at("/kind").asText()).isEqualTo("Restore");
        assertThat(fieldNames(json.at("/spec")))
                .containsExactlyInAnyOrder(
                        "checkpointName", "checkpointNamespace", "targetNode", "podName", "podOverrides");
        assertThat(json.at("/spec/checkpointName").asText()).isEqualTo("web-0-ckpt");
        assertThat(json.at("/spec/checkpointNamespace").asText()).isEqualTo("prod");
        assertThat(json.at("/spec/targetNode").asText()).isEqualTo("node-b");
        assertThat(json.at("/spec/podName").asText()).isEqualTo("web-0-restored");
        assertThat(json.at("/spec/podOverrides/labels/restored").asText()).isEqualTo("true");
        assertThat(json.at("/spec/podOverrides/annotations/note").asText()).isEqualTo("from web-0-ckpt");

        assertThat(fieldNames(json.at("/status")))
                .containsExactlyInAnyOrder(
                        "conditions",
                        "observedGeneration",
                        "phase",
                        "podName",
                        "nodeName",
                        "backend",
                        "timeToRunningSeconds");
        assertThat(json.at("/status/phase").asText()).isEqualTo("Running");
        assertThat(json.at("/status/podName").asText()).isEqualTo("web-0-restored");
        assertThat(json.at("/status/nodeName").asText()).isEqualTo("node-b");
        assertThat(json.at("/status/backend").asText()).isEqualTo("CreateContainer");
        assertThat(json.at("/status/timeToRunningSeconds").asDouble()).isEqualTo(1.5);
        assertThat(json.at("/status/conditions").isArray()).isTrue();
    }

    @Test
    void restoreFromAnImage() throws Exception {
        Restore restore = new Restore();
        restore.setMetadata(
                new ObjectMetaBuilder().withName("r").withNamespace("default").build());
        restore.setSpec(new RestoreSpec());
        restore.getSpec().image = "registry.example:5000/checkpoints@" + DIGEST;

        String text = Serialization.asJson(restore);
        JsonNode json = JSON.readTree(text);

        assertThat(fieldNames(json.at("/spec"))).containsExactly("image");
        assertThat(Serialization.unmarshal(text, Restore.class).getSpec().image).isEqualTo(restore.getSpec().image);
    }

    @Test
    void restoreReadsBack() {
        Restore read = Serialization.unmarshal(Serialization.asJson(restore()), Restore.class);

        assertThat(read.getSpec().podOverrides.labels).containsEntry("restored", "true");
        assertThat(read.getStatus().phase).isEqualTo(RestorePhase.Running);
        assertThat(read.getStatus().timeToRunningSeconds).isEqualTo(1.5);
    }

    private static Checkpoint checkpoint() {
        Checkpoint checkpoint = new Checkpoint();
        checkpoint.setMetadata(new ObjectMetaBuilder()
                .withName("web-0-ckpt")
                .withNamespace("default")
                .withGeneration(1L)
                .build());
        CheckpointSpec spec = new CheckpointSpec();
        spec.podName = "web-0";
        spec.containers = List.of("app", "sidecar");
        spec.timeoutSeconds = 120;
        spec.export = new CheckpointExport();
        spec.export.image = "registry.example:5000/checkpoints";
        spec.export.pushSecretName = "push-credentials";
        spec.deletionPolicy = DeletionPolicy.Delete;
        checkpoint.setSpec(spec);

        DumpStatistics stats = new DumpStatistics();
        stats.freezingTimeMicros = 1L;
        stats.frozenTimeMicros = 2L;
        stats.memdumpTimeMicros = 3L;
        stats.memwriteTimeMicros = 4L;
        stats.pagesScanned = 5L;
        stats.pagesSkippedParent = 6L;
        stats.pagesWritten = 7L;
        ContainerCheckpointStatus container = new ContainerCheckpointStatus();
        container.name = "app";
        container.archivePath = "/var/lib/kubelet/checkpoints/checkpoint-web-0_default-app-2026-01-02T03:04:05Z.tar";
        container.archiveSize = 5_000_000_000L;
        container.image = "registry.example:5000/checkpoints@" + DIGEST;
        container.dumpStatistics = stats;
        container.checkpointedAt = "2026-01-02T03:04:07Z";

        CheckpointStatus status = new CheckpointStatus();
        status.observedGeneration = 1L;
        status.conditions = new ArrayList<>(List.of(ready("Succeeded")));
        status.phase = CheckpointPhase.Succeeded;
        status.nodeName = "node-a";
        status.containers = new ArrayList<>(List.of(container));
        status.containerSkewSeconds = 0.25;
        status.podTemplate = podTemplate();
        status.startTime = "2026-01-02T03:04:05Z";
        status.completionTime = "2026-01-02T03:04:09Z";
        checkpoint.setStatus(status);
        return checkpoint;
    }

    private static Restore restore() {
        Restore restore = new Restore();
        restore.setMetadata(new ObjectMetaBuilder()
                .withName("web-0-restore")
                .withNamespace("default")
                .build());
        RestoreSpec spec = new RestoreSpec();
        spec.checkpointName = "web-0-ckpt";
        spec.checkpointNamespace = "prod";
        spec.targetNode = "node-b";
        spec.podName = "web-0-restored";
        spec.podOverrides = new PodOverrides();
        spec.podOverrides.labels = Map.of("restored", "true");
        spec.podOverrides.annotations = Map.of("note", "from web-0-ckpt");
        restore.setSpec(spec);

        RestoreStatus status = new RestoreStatus();
        status.observedGeneration = 1L;
        status.conditions = new ArrayList<>(List.of(ready("Running")));
        status.phase = RestorePhase.Running;
        status.podName = "web-0-restored";
        status.nodeName = "node-b";
        status.backend = "CreateContainer";
        status.timeToRunningSeconds = 1.5;
        restore.setStatus(status);
        return restore;
    }

    private static PodTemplateSpec podTemplate() {
        return new PodTemplateSpecBuilder()
                .withNewMetadata()
                .addToLabels("app", "web")
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("app")
                .withImage("busybox")
                .endContainer()
                .endSpec()
                .build();
    }

    private static Condition ready(String reason) {
        return new ConditionBuilder()
                .withType(ConditionTypes.READY)
                .withStatus("True")
                .withReason(reason)
                .withLastTransitionTime("2026-01-02T03:04:09Z")
                .build();
    }

    private static JsonNode writtenBack(String json, Class<?> type) throws IOException {
        return JSON.readTree(Serialization.asJson(Serialization.unmarshal(json, type)));
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }
}
