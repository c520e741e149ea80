package dev.amber.cli.cluster;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amber.api.v1alpha1.Checkpoint;
import dev.amber.api.v1alpha1.Restore;
import dev.amber.api.v1alpha1.RestorePhase;
import dev.amber.api.v1alpha1.RestoreSpec;
import dev.amber.cli.output.JsonOutput;
import dev.amber.cli.output.OutputFormat;
import dev.amber.cli.output.Table;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code amber restore CHECKPOINT}: creates a Restore resource and, with {@code --wait}, follows it to its
 * end, printing each phase as it comes and then the restored pod and node. The operator does the work;
 * this command only asks and reports, so it needs {@code create} and {@code get} on Restores (and
 * {@code get} on the Checkpoint, to refuse a missing one before asking).
 */
@Command(
        name = "restore",
        mixinStandardHelpOptions = true,
        description = {
            "Restore a Checkpoint as a new pod through the Amber operator: creates a Restore resource and, with "
                    + "--wait, shows its progress and prints the restored pod, its node and how long it took to "
                    + "run. The Checkpoint must have succeeded with --export. Exits 1 when the restore fails, with "
                    + "the reason on one line. Also runs as `kubectl amber restore`."
        })
public final class RestoreCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    KubeconfigOptions cluster;

    @Parameters(
            index = "0",
            arity = "0..1",
            paramLabel = "CHECKPOINT",
            description = "The Checkpoint to restore (or --image).")
    String checkpoint;

    @Option(
            names = "--image",
            paramLabel = "IMAGE",
            description = "Restore one container from a checkpoint image by digest (repository@sha256:...) instead"
                    + " of a Checkpoint.")
    String image;

    @Option(
            names = "--node",
            paramLabel = "NODE",
            description = "The node to restore on (default: the scheduler picks among the nodes whose runtime can"
                    + " restore; `amber nodes` lists them).")
    String node;

    @Option(
            names = "--name",
            paramLabel = "NAME",
            description = "The restored pod's name, and the Restore's (default: generated from the Checkpoint's).")
    String name;

    @Option(names = "--wait", description = "Wait until the pod runs or the restore fails, showing its progress.")
    boolean await;

    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            defaultValue = "5m",
            description = "With --wait, how long to wait, e.g. 90s, 5m (default: ${DEFAULT-VALUE}).")
    String timeout;

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
        if ((checkpoint == null) == (image == null)) {
            throw new IllegalArgumentException("name a CHECKPOINT or give --image, one of the two");
        }
        try (KubernetesClient client = cluster.client()) {
            String namespace = cluster.namespace(client);
            if (checkpoint != null
                    && client.resources(Checkpoint.class)
                                    .inNamespace(namespace)
                                    .withName(checkpoint)
                                    .get()
                            == null) {
                throw new IllegalArgumentException("no Checkpoint " + checkpoint + " in namespace " + namespace);
            }
            Restore created = create(client, namespace);
            return new ResourceFollower<>(
                            client,
                            Restore.class,
                            r -> r.getStatus().phase,
                            r -> r.getStatus().phase.terminal())
                    .report("amber restore", created, await, wait, timeout, format, out, err, r -> print(r, out));
        } catch (KubernetesClientException e) {
            throw new IllegalStateException(KubernetesErrors.describe(e), e);
        }
    }

    private Restore create(KubernetesClient client, String namespace) {
        Restore restore = new Restore();
        ObjectMetaBuilder metadata = new ObjectMetaBuilder().withNamespace(namespace);
        if (name != null) {
            metadata.withName(name);
        } else {
            metadata.withGenerateName((checkpoint == null ? "image" : checkpoint) + "-restore-");
        }
        restore.setMetadata(metadata.build());
        RestoreSpec wanted = new RestoreSpec();
        wanted.checkpointName = checkpoint;
        wanted.image = image;
        wanted.targetNode = node;
        wanted.podName = name;
        restore.setSpec(wanted);
        return client.resource(restore).create();
    }

    private void print(Restore restore, PrintWriter out) {
        var status = restore.getStatus();
        if (format == OutputFormat.json) {
            ObjectNode json = JsonOutput.object()
                    .put(
                            "restore",
                            restore.getMetadata().getNamespace() + "/"
                                    + restore.getMetadata().getName())
                    .put("checkpoint", restore.getSpec().checkpointName)
                    .put("image", restore.getSpec().image)
                    .put("phase", status.phase.name())
                    .put("pod", status.podName)
                    .put("node", status.nodeName)
                    .put("backend", status.backend);
            if (status.timeToRunningSeconds != null) {
                json.put("timeToRunningSeconds", status.timeToRunningSeconds);
            }
            JsonOutput.print(out, json);
            return;
        }
        if (status.phase != RestorePhase.Running) {
            return;
        }
        Table table = new Table("POD", "NODE", "BACKEND", "TIME TO RUNNING");
        table.row(
                status.podName,
                status.nodeName,
                status.backend,
                status.timeToRunningSeconds == null ? "" : status.timeToRunningSeconds + "s");
        table.print(out);
    }
}
