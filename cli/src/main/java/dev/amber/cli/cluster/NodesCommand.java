package dev.amber.cli.cluster;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amber.api.v1alpha1.RuntimeCapability;
import dev.amber.cli.output.JsonOutput;
import dev.amber.cli.output.OutputFormat;
import dev.amber.cli.output.Table;
import dev.amber.operator.cluster.NodeCapabilities;
import dev.amber.operator.restore.PodLevelRestore;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.PrintWriter;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code amber nodes}: what each node's runtime can do with checkpoints, as its agent published it on the
 * Node, and whether the cluster serves Kubernetes' pod-level checkpoint API. Reads Nodes only (get, list).
 */
@Command(
        name = "nodes",
        mixinStandardHelpOptions = true,
        description = {
            "Show what each node's container runtime can do with checkpoints, as the node's Amber agent read it from"
                    + " the runtime: whether it checkpoints, how it restores (CreateContainer) or why it cannot, and"
                    + " how to enable it. A Restore without --node goes to a node that can restore. Also runs as"
                    + " `kubectl amber nodes`."
        })
public final class NodesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    KubeconfigOptions cluster;

    @Option(
            names = "--format",
            defaultValue = "table",
            description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    OutputFormat format;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (KubernetesClient client = cluster.client()) {
            List<Node> nodes = client.nodes().list().getItems().stream()
                    .sorted(Comparator.comparing(n -> n.getMetadata().getName()))
                    .toList();
            boolean podLevel = client.getApiGroup(PodLevelRestore.API_GROUP) != null;
            if (format == OutputFormat.json) {
                printJson(out, nodes, podLevel);
            } else {
                printTable(out, nodes, podLevel);
            }
            return 0;
        } catch (KubernetesClientException e) {
            throw new IllegalStateException(KubernetesErrors.describe(e), e);
        }
    }

    private static void printTable(PrintWriter out, List<Node> nodes, boolean podLevel) {
        Table table = new Table("NODE", "RUNTIME", "CHECKPOINT", "RESTORE", "WHY NOT / HOW TO ENABLE");
        for (Node node : nodes) {
            Optional<RuntimeCapability> capability = NodeCapabilities.of(node);
            if (capability.isEmpty()) {
                table.row(
                        node.getMetadata().getName(), "", "?", "?", "no Amber agent has reported this node's runtime");
                continue;
            }
            RuntimeCapability c = capability.get();
            String why =
                    c.canRestore() ? "" : c.restoreReason() + (c.remedy() == null ? "" : "; to enable: " + c.remedy());
            table.row(
                    node.getMetadata().getName(),
                    (c.runtime() == null ? "" : c.runtime())
                            + (c.runtimeVersion() == null ? "" : " " + c.runtimeVersion()),
                    c.checkpoint() ? "yes" : "no",
                    c.restoreBackend(),
                    why);
        }
        table.print(out);
        out.println("pod-level checkpoint/restore (" + PodLevelRestore.API_GROUP + "): "
                + (podLevel ? "served by this cluster (detected; Amber does not use it yet)" : "not served"));
        out.flush();
    }

    private static void printJson(PrintWriter out, List<Node> nodes, boolean podLevel) {
        ObjectNode json = JsonOutput.object();
        ArrayNode items = json.putArray("nodes");
        for (Node node : nodes) {
            ObjectNode item = items.addObject().put("name", node.getMetadata().getName());
            NodeCapabilities.of(node).ifPresent(c -> item.set("runtime", JsonOutput.MAPPER.valueToTree(c)));
        }
        json.put("podLevelCheckpointApi", podLevel);
        JsonOutput.print(out, json);
    }
}
