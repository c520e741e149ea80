package dev.amber.cli.agent;

import dev.amber.agent.cluster.ClusterBinding;
import dev.amber.agent.cluster.PolicyStatusWriter;
import dev.amber.agent.export.ImageExporter;
import dev.amber.image.registry.RegistryOptions;
import dev.amber.agent.http.AccessReviewer;
import dev.amber.agent.http.AgentHttpServer;
import dev.amber.agent.http.KubernetesAccessReviewer;
import dev.amber.agent.http.PemTls;
import dev.amber.agent.index.ArchiveIndex;
import dev.amber.agent.index.DirectoryScanner;
import dev.amber.agent.index.IndexStore;
import dev.amber.agent.metrics.AgentMetrics;
import dev.amber.agent.node.AgentConfig;
import dev.amber.agent.node.NodeAgent;
import dev.amber.agent.node.NodeReport;
import dev.amber.agent.node.PolicyFileWatcher;
import dev.amber.agent.node.StatusSink;
import dev.amber.retention.InvalidPolicyException;
import dev.amber.kube.policy.PolicyFiles;
import dev.amber.kube.policy.PolicyValidator;
import dev.amber.retention.RetentionPlan;
import dev.amber.retention.RetentionPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "agent", mixinStandardHelpOptions = true,
        description = {"Run the node agent: keep this node's checkpoint archives within the CheckpointPolicy.",
            "",
            "It indexes the archives, deletes and exports what the policy says, and serves them over an "
                    + "authenticated HTTP API. With --policy-file it runs without a cluster (no orphans, no API access)."})
public final class AgentCommand implements Callable<Integer> {

    @Option(names = "--dir", defaultValue = RetentionPolicy.DEFAULT_DIRECTORY, paramLabel = "DIR",
            description = "Checkpoint directory (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--state-dir", defaultValue = "/var/lib/amber/agent", paramLabel = "DIR",
            description = "Where the index survives restarts (default: ${DEFAULT-VALUE}).")
    Path stateDir;

    @Option(names = "--node-name", defaultValue = "${env:NODE_NAME}", paramLabel = "NODE",
            description = "This node's name (default: $NODE_NAME).")
    String nodeName;

    @Option(names = "--policy", defaultValue = "default", paramLabel = "NAME",
            description = "The CheckpointPolicy to follow (default: ${DEFAULT-VALUE}).")
    String policyName;

    @Option(names = "--policy-file", paramLabel = "FILE", description = "Follow this policy file instead of the cluster.")
    Path policyFile;

    @Option(names = "--dry-run", description = "Decide and report; delete nothing.")
    boolean dryRun;

    @Option(names = "--debounce", defaultValue = "100ms", converter = DurationConverter.class,
            description = "How long an archive's size must stay the same to count as complete (default: ${DEFAULT-VALUE}).")
    Duration debounce;

    @Option(names = "--resync", defaultValue = "1m", converter = DurationConverter.class,
            description = "How often every archive is judged again, for maxAge (default: ${DEFAULT-VALUE}).")
    Duration resync;

    @Option(names = "--listen", defaultValue = "0.0.0.0:10443", paramLabel = "HOST:PORT",
            description = "HTTP API and /metrics address (default: ${DEFAULT-VALUE}); 'none' serves nothing.")
    String listen;

    @Option(names = "--tls-cert", paramLabel = "FILE", description = "PEM certificate chain for the HTTP API.")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "PEM PKCS#8 key for the HTTP API.")
    Path tlsKey;

    @Option(names = "--plain-http", description = "Serve the API without TLS (tokens travel in clear: only behind a local proxy).")
    boolean plainHttp;

    @Option(names = "--once", description = "Index, apply the policy once, print a summary and exit.")
    boolean once;

    @Spec
    CommandSpec spec;

    /** Durations as policies write them: 100ms, 30s, 5m, 48h, 7d. */
    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            Duration d = PolicyValidator.parseDuration(value);
            if (d == null || d.isZero()) {
                throw new IllegalArgumentException("not a positive duration such as 100ms, 30s or 5m: " + value);
            }
            return d;
        }
    }

    @Override
    public Integer call() throws Exception {
        // Timestamps to the millisecond: the log is how indexing latency is read off a running agent.
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSX");
        System.setProperty("org.slf4j.simpleLogger.log.io.fabric8", "warn");
        // v1alpha1 is this API's version by design; the client need not say so at every start.
        System.setProperty("org.slf4j.simpleLogger.log.io.fabric8.kubernetes.client.dsl.internal.VersionUsageUtils", "error");
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("checkpoint directory " + dir + " does not exist");
        }
        if (tlsCert == null != (tlsKey == null)) {
            throw new IllegalArgumentException("--tls-cert and --tls-key go together");
        }
        boolean serve = !"none".equals(listen) && !once;
        if (serve && tlsCert == null && !plainHttp) {
            throw new IllegalArgumentException("the HTTP API carries bearer tokens: give --tls-cert and --tls-key, or --plain-http, or --listen none");
        }
        PrintWriter out = spec.commandLine().getOut();
        long startNanos = System.nanoTime();
        AgentConfig config = new AgentConfig(dir.toAbsolutePath().normalize(), stateDir, debounce, resync, dryRun);
        return policyFile != null ? standalone(config, out, startNanos, serve) : inCluster(config, out, serve);
    }

    private int standalone(AgentConfig config, PrintWriter out, long startNanos, boolean serve) throws Exception {
        RetentionPolicy policy = PolicyFiles.load(policyFile);
        ArchiveIndex index = ArchiveIndex.open(new IndexStore(stateDir));
        long loadedNanos = System.nanoTime();
        AgentMetrics metrics = new AgentMetrics(index);
        StatusSink log = new StatusSink() {
            @Override
            public void report(NodeReport report) {}

            @Override
            public void policyRejected(InvalidPolicyException problem) {}
        };
        try (NodeAgent agent = new NodeAgent(config, index, () -> null, UnaryOperator.identity(), new ImageExporter(RegistryOptions.defaults()),
                metrics, log, Clock.systemUTC())) {
            DirectoryScanner.Result scan = agent.start();
            long scannedNanos = System.nanoTime();
            RetentionPlan plan = agent.setPolicy(policy).get();
            long doneNanos = System.nanoTime();
            out.printf("indexed %d archives (%d read, %d unchanged, %d gone, %d unreadable); index loaded in %d ms, "
                            + "directory scanned in %d ms, policy applied in %d ms; %s %d, kept %d%n",
                    scan.archives(), scan.read(), scan.unchanged(), scan.removed(), scan.unreadable(),
                    (loadedNanos - startNanos) / 1_000_000, (scannedNanos - loadedNanos) / 1_000_000,
                    (doneNanos - scannedNanos) / 1_000_000,
                    dryRun ? "would delete" : "deleted", plan.deletions().size(), plan.kept().size());
            out.flush();
            if (once) {
                return 0;
            }
            AccessReviewer nobody = new AccessReviewer() {
                @Override
                public User authenticate(String token) {
                    return null; // no cluster to review tokens: archive endpoints stay closed
                }

                @Override
                public boolean allowed(User user, Access access) {
                    return false;
                }
            };
            try (PolicyFileWatcher reload = new PolicyFileWatcher(policyFile, agent);
                    AgentHttpServer server = serve ? server(agent, nobody, metrics) : null) {
                awaitShutdown();
            }
        }
        return 0;
    }

    private int inCluster(AgentConfig config, PrintWriter out, boolean serve) throws Exception {
        if (nodeName == null || nodeName.isBlank()) {
            throw new IllegalArgumentException("no node name: set NODE_NAME (the DaemonSet passes spec.nodeName) or --node-name");
        }
        try (KubernetesClient client = new KubernetesClientBuilder().build();
                ClusterBinding cluster = new ClusterBinding(client, policyName, nodeName);
                PolicyStatusWriter status = new PolicyStatusWriter(client, policyName, nodeName, Duration.ofSeconds(5),
                        Clock.systemUTC())) {
            ArchiveIndex index = ArchiveIndex.open(new IndexStore(stateDir));
            AgentMetrics metrics = new AgentMetrics(index);
            try (NodeAgent agent = new NodeAgent(config, index, cluster::livePods, cluster::withPodLabels,
                    new ImageExporter(RegistryOptions.defaults()), metrics, status, Clock.systemUTC())) {
                cluster.startPodInformers(agent::rescanNeeded); // a full pass once orphans can be judged
                DirectoryScanner.Result scan = agent.start();
                out.printf("agent on node %s: %d archives in %s (%d read); following CheckpointPolicy %s%s%n", nodeName,
                        scan.archives(), dir, scan.read(), policyName, dryRun ? " (dry run)" : "");
                out.flush();
                cluster.followPolicy(agent, status);
                if (once) {
                    return 0;
                }
                try (AgentHttpServer server = serve ? server(agent, new KubernetesAccessReviewer(client), metrics) : null) {
                    awaitShutdown();
                }
            }
        }
        return 0;
    }

    private AgentHttpServer server(NodeAgent agent, AccessReviewer reviewer, AgentMetrics metrics) throws Exception {
        int colon = listen.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("--listen wants HOST:PORT, not " + listen);
        }
        SSLContext tls = tlsCert == null ? null : PemTls.serverContext(tlsCert, tlsKey);
        AgentHttpServer server = new AgentHttpServer(
                new InetSocketAddress(listen.substring(0, colon), Integer.parseInt(listen.substring(colon + 1))),
                tls, agent, reviewer, metrics);
        server.start();
        return server;
    }

    private static void awaitShutdown() throws InterruptedException {
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
        stop.await();
    }
}
