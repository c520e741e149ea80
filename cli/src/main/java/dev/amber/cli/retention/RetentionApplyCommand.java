package dev.amber.cli.retention;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amber.agent.export.CheckpointExporter;
import dev.amber.agent.export.ImageExporter;
import dev.amber.agent.index.ArchiveIndex;
import dev.amber.agent.index.DirectoryScanner;
import dev.amber.agent.retention.LivePodsFiles;
import dev.amber.agent.retention.RetentionExecutor;
import dev.amber.agent.store.ArchiveFiles;
import dev.amber.cli.output.JsonOutput;
import dev.amber.cli.output.Table;
import dev.amber.image.registry.RegistryOptions;
import dev.amber.kube.policy.PolicyFiles;
import dev.amber.retention.ArchiveRecord;
import dev.amber.retention.Decision;
import dev.amber.retention.LivePods;
import dev.amber.retention.RetentionEngine;
import dev.amber.retention.RetentionPlan;
import dev.amber.retention.RetentionPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "apply",
        mixinStandardHelpOptions = true,
        description = {
            "Apply a CheckpointPolicy once to a checkpoint directory, as the node agent would.",
            "No archive counts as orphaned unless --live-pods or --orphans-from-cluster says which pods exist."
        })
public final class RetentionApplyCommand implements Callable<Integer> {

    @Option(names = "--dir", required = true, paramLabel = "DIR", description = "Checkpoint directory.")
    Path dir;

    @Option(
            names = "--policy",
            required = true,
            paramLabel = "FILE",
            description = "CheckpointPolicy YAML: a whole resource or just its spec.")
    Path policyFile;

    @Option(names = "--dry-run", description = "Show what would be deleted; delete nothing.")
    boolean dryRun;

    @Option(
            names = "--format",
            defaultValue = "table",
            description = "Output format: table or json (default: ${DEFAULT-VALUE}).")
    Format format;

    @ArgGroup(exclusive = true)
    Orphans orphans;

    static final class Orphans {
        @Option(
                names = "--live-pods",
                paramLabel = "FILE",
                description = "Pods (and namespaces) that exist, as written by kubectl get pods,namespaces -A -o json.")
        Path livePods;

        @Option(
                names = "--orphans-from-cluster",
                description = "Ask the cluster in the current kube context which pods exist.")
        boolean fromCluster;
    }

    enum Format {
        table,
        json
    }

    @Spec
    CommandSpec spec;

    private final List<String[]> exported = new ArrayList<>();
    private final List<String[]> exportFailures = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        RetentionPolicy policy = PolicyFiles.load(policyFile);
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("checkpoint directory " + dir + " does not exist");
        }
        LivePods live = livePods();
        ArchiveFiles files = new ArchiveFiles(dir.toAbsolutePath().normalize());
        ArchiveIndex index = ArchiveIndex.inMemory();
        new DirectoryScanner(files, index, UnaryOperator.identity(), !dryRun).scan();
        Instant now = Instant.now();
        RetentionPlan plan = RetentionEngine.plan(index.all(), policy, live, now);
        if (!dryRun && !plan.exports().isEmpty()) {
            // Exports first: an archive the export rule covers may go only once its push is verified.
            exportAll(plan, files, index, policy);
            plan = RetentionEngine.plan(index.all(), policy, live, now);
        }
        List<RetentionExecutor.Outcome> outcomes = new RetentionExecutor(files, index, null).execute(plan, dryRun);
        boolean failed = !exportFailures.isEmpty()
                || outcomes.stream().anyMatch(o -> !dryRun && !o.done() && o.failure() != null);
        print(plan, outcomes);
        return failed ? 1 : 0;
    }

    private void exportAll(RetentionPlan plan, ArchiveFiles files, ArchiveIndex index, RetentionPolicy policy)
            throws IOException {
        CheckpointExporter exporter = new ImageExporter(RegistryOptions.defaults());
        for (ArchiveRecord a : plan.exports()) {
            try {
                String image = exporter.export(files.resolve(a.fileName()), a, policy.export());
                index.put(a.withExportedTo(image));
                exported.add(new String[] {dir.resolve(a.fileName()).toString(), image});
            } catch (IOException e) {
                exportFailures.add(new String[] {dir.resolve(a.fileName()).toString(), e.getMessage()});
            }
        }
    }

    private LivePods livePods() throws Exception {
        if (orphans == null) {
            return null;
        }
        if (orphans.livePods != null) {
            return LivePodsFiles.read(orphans.livePods);
        }
        try (KubernetesClient client = new KubernetesClientBuilder().build()) {
            return LivePodsFiles.of(
                    client.pods().inAnyNamespace().list().getItems(),
                    client.namespaces().list().getItems());
        }
    }

    private void print(RetentionPlan plan, List<RetentionExecutor.Outcome> outcomes) {
        PrintWriter out = spec.commandLine().getOut();
        String deleteWord = dryRun ? "would delete" : "deleted";
        if (format == Format.json) {
            ObjectNode root = JsonOutput.object();
            root.put("dryRun", dryRun);
            ArrayNode deleted = root.putArray("deleted");
            ArrayNode failed = JsonOutput.MAPPER.createArrayNode();
            for (RetentionExecutor.Outcome o : outcomes) {
                ObjectNode n = entry(o.decision());
                if (dryRun || o.done() || "already gone".equals(o.failure())) {
                    deleted.add(n);
                } else {
                    failed.add(n.put("error", o.failure()));
                }
            }
            ArrayNode kept = root.putArray("kept");
            plan.kept().forEach(d -> kept.add(entry(d)));
            exportFailures.forEach(
                    f -> failed.add(JsonOutput.object().put("path", f[0]).put("error", "export failed: " + f[1])));
            if (!failed.isEmpty()) {
                root.set("failed", failed);
            }
            if (!exported.isEmpty()) {
                ArrayNode images = root.putArray("exported");
                exported.forEach(
                        e -> images.add(JsonOutput.object().put("path", e[0]).put("image", e[1])));
            }
            JsonOutput.print(out, root);
            return;
        }
        Table table = new Table("ACTION", "ARCHIVE", "REASON");
        for (RetentionExecutor.Outcome o : outcomes) {
            String action = dryRun || o.done() ? deleteWord : "not deleted (" + o.failure() + ")";
            table.row(action, o.decision().archive().fileName(), o.decision().describe());
        }
        for (Decision d : plan.kept()) {
            table.row("keep", d.archive().fileName(), d.describe());
        }
        exported.forEach(e -> table.row("exported", Path.of(e[0]).getFileName().toString(), e[1]));
        exportFailures.forEach(
                f -> table.row("export failed", Path.of(f[0]).getFileName().toString(), f[1]));
        if (table.isEmpty()) {
            out.println("no checkpoint archives in " + dir);
            out.flush();
        } else {
            table.print(out);
        }
    }

    private ObjectNode entry(Decision d) {
        ObjectNode n = JsonOutput.object();
        n.put("path", dir.resolve(d.archive().fileName()).toString());
        n.put("reason", d.describe());
        n.put("namespace", d.archive().namespace());
        n.put("pod", d.archive().pod());
        n.put("container", d.archive().container());
        n.put("size", d.archive().size());
        return n;
    }
}
