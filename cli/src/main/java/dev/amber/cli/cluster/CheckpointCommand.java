package dev.amber.cli.cluster;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amber.api.v1alpha1.Checkpoint;
import dev.amber.api.v1alpha1.CheckpointExport;
import dev.amber.api.v1alpha1.CheckpointPhase;
import dev.amber.api.v1alpha1.CheckpointSpec;
import dev.amber.api.v1alpha1.ContainerCheckpointStatus;
import dev.amber.api.v1alpha1.DeletionPolicy;
import dev.amber.cli.output.Bytes;
import dev.amber.cli.output.JsonOutput;
import dev.amber.cli.output.OutputFormat;
import dev.amber.cli.output.Table;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code amber checkpoint POD}: creates a Checkpoint resource and, with {@code --wait}, follows it to
 * its end, printing each phase as it comes and then the result. The operator does the work; this
 * command only asks and reports, so it needs no more than {@code create} and {@code get} on
 * Checkpoints (and {@code get} on the pod, to refuse a missing one before asking).
 */
@Command(
        name = "checkpoint",
        mixinStandardHelpOptions = true,
        description = {
            "Checkpoint a pod's containers (all of them, or those given with -c) through the Amber operator: "
                    + "creates a Checkpoint resource and, with --wait, shows its progress and prints where the "
                    + "archives are (node, path, size) and, with --export, the image digest. Exits 1 when the "
                    + "checkpoint fails, with the reason on one line. Also runs as `kubectl amber checkpoint`."
        })
public final class CheckpointCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    KubeconfigOptions cluster;

    @Parameters(index = "0", paramLabel = "POD", description = "The pod to checkpoint.")
    String pod;

    @Option(
            names = {"-c", "--container"},
            paramLabel = "NAME",
            description = "A container to checkpoint (repeatable; default: every container, one after another).")
    List<String> containers = List.of();

    @Option(
            names = "--export",
            paramLabel = "REPOSITORY",
            arity = "0..1",
            fallbackValue = "",
            description = "Push each archive as a checkpoint image to REPOSITORY (tag: the Checkpoint's name); "
                    + "without a value, to the operator's default repository.")
    String export;

    @Option(
            names = "--push-secret",
            paramLabel = "SECRET",
            description = "A kubernetes.io/dockerconfigjson Secret in the namespace with the registry's credentials.")
    String pushSecret;

    @Option(
            names = "--name",
            paramLabel = "NAME",
            description = "The Checkpoint's name (default: generated from the pod's).")
    String name;

    @Option(names = "--wait", description = "Wait until the checkpoint has succeeded or failed, showing its progress.")
    boolean await;

    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            defaultValue = "5m",
            description = "With --wait, how long to wait, e.g. 90s, 5m (default: ${DEFAULT-VALUE}).")
    String timeout;

    @Option(
            names = "--checkpoint-timeout",
            paramLabel = "SECONDS",
            description = "The kubelet's timeout for each container's checkpoint.")
    Integer checkpointTimeout;

    @Option(
            names = "--deletion-policy",
            paramLabel = "POLICY",
            description = "What deleting the Checkpoint does: Retain (the default) keeps its archives and image; Delete"
                    + " deletes them first. One of: ${COMPLETION-CANDIDATES}.")
    DeletionPolicy deletionPolicy;

    @Option(
            names = "--format",
            defaultValue = "table",
            description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    OutputFormat format;

    @Override
    public Integer call() throws InterruptedException {
        Duration wait = WaitDuration.parse("--timeout", timeout);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (KubernetesClient client = cluster.client()) {
            String namespace = cluster.namespace(client);
            Pod target = client.pods().inNamespace(namespace).withName(pod).get();
            if (target == null) {
                throw new IllegalArgumentException("no pod " + pod + " in namespace " + namespace);
            }
            Checkpoint created = create(client, namespace);
            return new ResourceFollower<>(
                            client,
                            Checkpoint.class,
                            r -> r.getStatus().phase,
                            r -> r.getStatus().phase.terminal())
                    .report("amber checkpoint", created, await, wait, timeout, format, out, err, r -> print(r, out));
        } catch (KubernetesClientException e) {
            throw new IllegalStateException(KubernetesErrors.describe(e), e);
        }
    }

    private Checkpoint create(KubernetesClient client, String namespace) {
        Checkpoint checkpoint = new Checkpoint();
        ObjectMetaBuilder metadata = new ObjectMetaBuilder().withNamespace(namespace);
        if (name != null) {
            metadata.withName(name);
        } else {
            metadata.withGenerateName(pod + "-");
        }
        checkpoint.setMetadata(metadata.build());
        CheckpointSpec wanted = new CheckpointSpec();
        wanted.podName = pod;
        wanted.containers = containers.isEmpty() ? null : containers;
        wanted.timeoutSeconds = checkpointTimeout;
        wanted.deletionPolicy = deletionPolicy;
        if (export != null) {
            wanted.export = new CheckpointExport();
            wanted.export.image = export.isEmpty() ? null : export;
            wanted.export.pushSecretName = pushSecret;
        }
        checkpoint.setSpec(wanted);
        return client.resource(checkpoint).create();
    }

    private void print(Checkpoint checkpoint, PrintWriter out) {
        var status = checkpoint.getStatus();
        if (format == OutputFormat.json) {
            ObjectNode json = JsonOutput.object()
                    .put(
                            "checkpoint",
                            checkpoint.getMetadata().getNamespace() + "/"
                                    + checkpoint.getMetadata().getName())
                    .put("phase", status.phase.name())
                    .put("node", status.nodeName)
                    .put("startTime", status.startTime)
                    .put("completionTime", status.completionTime);
            if (status.containerSkewSeconds != null) {
                json.put("containerSkewSeconds", status.containerSkewSeconds);
            }
            ArrayNode list = json.putArray("containers");
            for (ContainerCheckpointStatus c : status.containers) {
                list.add(JsonOutput.object()
                        .put("name", c.name)
                        .put("archivePath", c.archivePath)
                        .put("archiveSize", c.archiveSize)
                        .put("image", c.image));
            }
            JsonOutput.print(out, json);
            return;
        }
        if (status.phase != CheckpointPhase.Succeeded) {
            return;
        }
        Table table = new Table("CONTAINER", "NODE", "ARCHIVE", "SIZE", "IMAGE");
        for (ContainerCheckpointStatus c : status.containers) {
            table.row(
                    c.name,
                    status.nodeName,
                    c.archivePath,
                    c.archiveSize == null ? "" : Bytes.human(c.archiveSize),
                    c.image == null ? "" : c.image);
        }
        table.print(out);
    }
}
