package dev.amber.agent;

import dev.amber.agent.checkpoint.CheckpointOperations;
import dev.amber.agent.cluster.ClusterBinding;
import dev.amber.agent.cluster.PolicyStatusWriter;
import dev.amber.agent.cluster.RuntimeCapabilityPublisher;
import dev.amber.agent.export.CheckpointExporter;
import dev.amber.agent.export.ImageExporter;
import dev.amber.agent.export.RegistryTargetExporter;
import dev.amber.agent.http.AccessReviewer;
import dev.amber.agent.http.AgentHttpServer;
import dev.amber.agent.http.KubernetesAccessReviewer;
import dev.amber.agent.http.PemTls;
import dev.amber.agent.index.ArchiveIndex;
import dev.amber.agent.index.DirectoryScanner;
import dev.amber.agent.index.IndexStore;
import dev.amber.agent.kubelet.KubeletAccess;
import dev.amber.agent.kubelet.NodeKubelet;
import dev.amber.agent.metrics.AgentMetrics;
import dev.amber.agent.node.AgentConfig;
import dev.amber.agent.node.NodeAgent;
import dev.amber.agent.node.PolicyFileWatcher;
import dev.amber.agent.node.StatusSink;
import dev.amber.api.v1alpha1.RuntimeCapability;
import dev.amber.cri.RuntimeProbe;
import dev.amber.image.registry.RegistryOptions;
import dev.amber.kube.kubelet.KubeletCheckpointClient;
import dev.amber.kube.policy.PolicyFiles;
import dev.amber.retention.InvalidPolicyException;
import dev.amber.retention.RetentionPlan;
import dev.amber.retention.RetentionPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLContext;

/**
 * The node agent's composition root: builds and starts one agent process, either following a policy file
 * ({@link #standalone}) or a CheckpointPolicy of the cluster ({@link #inCluster}), and stops it on {@link #close}.
 * The command that runs the agent parses its flags, calls a factory and waits; everything it starts is wired here.
 *
 * <p>Invariant: a factory returns with everything started, or throws having closed whatever it had started, so a
 * failed start leaves no thread, informer, listening socket or open index behind. {@link #close} stops the parts in
 * the reverse order of their start: nothing is closed while a part started later may still call it. Not
 * thread-safe: one thread starts the runtime and closes it.
 */
public final class AgentRuntime implements AutoCloseable {
    /** Every node's agent writes the same policy object: one write per node per interval keeps the load flat. */
    private static final Duration STATUS_WRITE_INTERVAL = Duration.ofSeconds(5);

    /**
     * How the agent process runs.
     *
     * @param agent how the node agent indexes and applies the policy
     * @param http where the HTTP API and {@code /metrics} listen, or null to serve nothing
     * @param once index, apply the policy once and stop: after the first pass nothing is followed or served
     */
    public record Settings(AgentConfig agent, HttpEndpoint http, boolean once) {}

    /**
     * @param tlsCertificate PEM certificate chain; null, with {@code tlsKey}, for plain HTTP (only behind a local
     *     proxy: bearer tokens travel in clear)
     * @param tlsKey PEM PKCS#8 key of the certificate
     */
    public record HttpEndpoint(InetSocketAddress address, Path tlsCertificate, Path tlsKey) {}

    /**
     * This node, the CheckpointPolicy its agent follows, how the agent reaches the node's kubelet to take the
     * checkpoints it is asked for, and the node's container runtime, whose capability it publishes on the Node.
     *
     * @param runtimeSocket the CRI socket of the node's runtime; null to publish nothing
     * @param runtimeInterval how often the runtime is asked again
     */
    public record ClusterTarget(
            String nodeName, String policyName, KubeletAccess kubelet, Path runtimeSocket, Duration runtimeInterval) {
        public ClusterTarget(String nodeName, String policyName, KubeletAccess kubelet) {
            this(nodeName, policyName, kubelet, null, null);
        }
    }

    /** Narrower than AutoCloseable, so that {@link #close} throws what the parts throw and no more. */
    private interface Part {
        void close() throws IOException;
    }

    private final Deque<Part> started = new ArrayDeque<>();
    private AgentHttpServer server;

    private AgentRuntime() {}

    /**
     * An agent without a cluster: follows the policy file (re-read when it changes), knows no pods (so nothing is an
     * orphan), publishes no status, serves archives to nobody (no API server reviews tokens) and takes no checkpoints
     * (no kubelet). Prints a summary of the first pass to {@code out}.
     */
    public static AgentRuntime standalone(Settings settings, Path policyFile, PrintWriter out)
            throws IOException, InvalidPolicyException, InterruptedException, ExecutionException {
        long startNanos = System.nanoTime();
        AgentRuntime runtime = new AgentRuntime();
        try {
            runtime.startStandalone(settings, policyFile, out, startNanos);
            return runtime;
        } catch (Throwable failure) {
            runtime.closeAfter(failure);
            throw failure;
        }
    }

    /**
     * An agent in the cluster: follows the CheckpointPolicy (an informer), judges orphans by this node's pods,
     * writes its status into the policy, reviews the HTTP API's tokens through the API server and, when it serves,
     * takes the checkpoints it is asked for through this node's kubelet. Prints one line to {@code out} once the
     * directory is indexed.
     */
    public static AgentRuntime inCluster(Settings settings, ClusterTarget target, PrintWriter out) throws IOException {
        AgentRuntime runtime = new AgentRuntime();
        try {
            runtime.startInCluster(settings, target, out);
            return runtime;
        } catch (Throwable failure) {
            runtime.closeAfter(failure);
            throw failure;
        }
    }

    /** The port the HTTP API listens on (the one chosen when the endpoint asked for port 0); empty when not serving. */
    public OptionalInt httpPort() {
        return server == null ? OptionalInt.empty() : OptionalInt.of(server.port());
    }

    private void startStandalone(Settings settings, Path policyFile, PrintWriter out, long startNanos)
            throws IOException, InvalidPolicyException, InterruptedException, ExecutionException {
        AgentConfig config = settings.agent();
        RetentionPolicy policy = PolicyFiles.load(policyFile);
        ArchiveIndex index = ArchiveIndex.open(new IndexStore(config.stateDirectory()));
        long loadedNanos = System.nanoTime();
        AgentMetrics metrics = new AgentMetrics(index);
        NodeAgent agent = new NodeAgent(
                config,
                index,
                () -> null,
                UnaryOperator.identity(),
                exporter(),
                metrics,
                StatusSink.NONE,
                Clock.systemUTC());
        started.push(agent::close);
        DirectoryScanner.Result scan = agent.start();
        long scannedNanos = System.nanoTime();
        RetentionPlan plan = agent.setPolicy(policy).get();
        long doneNanos = System.nanoTime();
        out.printf(
                "indexed %d archives (%d read, %d unchanged, %d gone, %d unreadable); index loaded in %d ms, "
                        + "directory scanned in %d ms, policy applied in %d ms; %s %d, kept %d%n",
                scan.archives(),
                scan.read(),
                scan.unchanged(),
                scan.removed(),
                scan.unreadable(),
                (loadedNanos - startNanos) / 1_000_000,
                (scannedNanos - loadedNanos) / 1_000_000,
                (doneNanos - scannedNanos) / 1_000_000,
                config.dryRun() ? "would delete" : "deleted",
                plan.deletions().size(),
                plan.kept().size());
        out.flush();
        if (settings.once()) {
            return;
        }
        PolicyFileWatcher reload = new PolicyFileWatcher(policyFile, agent);
        started.push(reload::close);
        serve(settings.http(), agent, AccessReviewer.DENY_ALL, metrics, null);
    }

    private void startInCluster(Settings settings, ClusterTarget target, PrintWriter out) throws IOException {
        AgentConfig config = settings.agent();
        KubernetesClient client = new KubernetesClientBuilder().build();
        started.push(client::close);
        ClusterBinding cluster = new ClusterBinding(client, target.policyName(), target.nodeName());
        started.push(cluster::close);
        PolicyStatusWriter status = new PolicyStatusWriter(
                client, target.policyName(), target.nodeName(), STATUS_WRITE_INTERVAL, Clock.systemUTC());
        started.push(status::close);
        ArchiveIndex index = ArchiveIndex.open(new IndexStore(config.stateDirectory()));
        AgentMetrics metrics = new AgentMetrics(index);
        NodeAgent agent = new NodeAgent(
                config,
                index,
                cluster::livePods,
                cluster::withPodLabels,
                exporter(),
                metrics,
                status,
                Clock.systemUTC());
        started.push(agent::close);
        cluster.startPodInformers(agent::rescanNeeded); // a full pass once orphans can be judged
        String runtime = "";
        if (target.runtimeSocket() != null) {
            RuntimeCapabilityPublisher capability = new RuntimeCapabilityPublisher(
                    client, target.nodeName(), new RuntimeProbe(target.runtimeSocket(), Clock.systemUTC()));
            started.push(capability::close);
            RuntimeCapability found = capability.start(target.runtimeInterval());
            runtime = found.canRestore()
                    ? "; " + found.runtime() + " " + found.runtimeVersion() + " restores"
                    : "; runtime cannot restore: " + found.restoreReason();
        }
        DirectoryScanner.Result scan = agent.start();
        out.printf(
                "agent on node %s: %d archives in %s (%d read); following CheckpointPolicy %s%s%s%n",
                target.nodeName(),
                scan.archives(),
                config.checkpointDirectory(),
                scan.read(),
                target.policyName(),
                config.dryRun() ? " (dry run)" : "",
                runtime);
        out.flush();
        cluster.followPolicy(agent, status);
        if (settings.once()) {
            return;
        }
        if (settings.http() == null) {
            return;
        }
        // Before the server, so a kubelet that cannot be found fails the start with the fix in its message.
        KubeletCheckpointClient kubelet = NodeKubelet.client(client, target.nodeName(), target.kubelet());
        // A push's auth file lives in the temporary directory: an emptyDir in the DaemonSet, gone with the pod.
        RegistryTargetExporter pushes =
                new RegistryTargetExporter(RegistryOptions.defaults(), Path.of(System.getProperty("java.io.tmpdir")));
        started.push(pushes::close);
        CheckpointOperations checkpoints = new CheckpointOperations(kubelet, agent.files(), pushes, Clock.systemUTC());
        started.push(checkpoints::close);
        serve(settings.http(), agent, new KubernetesAccessReviewer(client), metrics, checkpoints);
    }

    private static CheckpointExporter exporter() {
        return new ImageExporter(RegistryOptions.defaults());
    }

    /** @param checkpoints null when the agent takes no checkpoints */
    private void serve(
            HttpEndpoint http,
            NodeAgent agent,
            AccessReviewer reviewer,
            AgentMetrics metrics,
            CheckpointOperations checkpoints)
            throws IOException {
        if (http == null) {
            return;
        }
        SSLContext tls =
                http.tlsCertificate() == null ? null : PemTls.serverContext(http.tlsCertificate(), http.tlsKey());
        AgentHttpServer listening = new AgentHttpServer(http.address(), tls, agent, reviewer, metrics, checkpoints);
        listening.start();
        started.push(listening::close);
        server = listening;
    }

    /** The start failed: what was started is closed, and any trouble closing it is added to the failure. */
    private void closeAfter(Throwable failure) {
        try {
            close();
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    /** Stops every part, the last started first; the first failure is thrown once all had their turn. */
    @Override
    public void close() throws IOException {
        Exception first = null;
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (IOException | RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first instanceof IOException io) {
            throw io;
        }
        if (first instanceof RuntimeException unchecked) {
            throw unchecked;
        }
    }
}
