package dev.amber.cli.agent;

import dev.amber.agent.AgentRuntime;
import dev.amber.agent.kubelet.KubeletAccess;
import dev.amber.agent.node.AgentConfig;
import dev.amber.kube.policy.PolicyValidator;
import dev.amber.retention.RetentionPolicy;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "agent",
        mixinStandardHelpOptions = true,
        description = {
            "Run the node agent: keep this node's checkpoint archives within the CheckpointPolicy.",
            "",
            "It indexes the archives, deletes and exports what the policy says, serves them over an "
                    + "authenticated HTTP API, and takes the checkpoints it is asked for (POST /v1/checkpoints) "
                    + "through this node's kubelet. With --policy-file it runs without a cluster (no orphans, no API "
                    + "access, no checkpoints)."
        })
public final class AgentCommand implements Callable<Integer> {

    @Option(
            names = "--dir",
            defaultValue = RetentionPolicy.DEFAULT_DIRECTORY,
            paramLabel = "DIR",
            description = "Checkpoint directory (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Option(
            names = "--state-dir",
            defaultValue = "/var/lib/amber/agent",
            paramLabel = "DIR",
            description = "Where the index survives restarts (default: ${DEFAULT-VALUE}).")
    Path stateDir;

    @Option(
            names = "--node-name",
            defaultValue = "${env:NODE_NAME}",
            paramLabel = "NODE",
            description = "This node's name (default: $NODE_NAME).")
    String nodeName;

    @Option(
            names = "--policy",
            defaultValue = "default",
            paramLabel = "NAME",
            description = "The CheckpointPolicy to follow (default: ${DEFAULT-VALUE}).")
    String policyName;

    @Option(
            names = "--policy-file",
            paramLabel = "FILE",
            description = "Follow this policy file instead of the cluster.")
    Path policyFile;

    @Option(names = "--dry-run", description = "Decide and report; delete nothing.")
    boolean dryRun;

    @Option(
            names = "--debounce",
            defaultValue = "100ms",
            converter = DurationConverter.class,
            description =
                    "How long an archive's size must stay the same to count as complete (default: ${DEFAULT-VALUE}).")
    Duration debounce;

    @Option(
            names = "--resync",
            defaultValue = "1m",
            converter = DurationConverter.class,
            description = "How often every archive is judged again, for maxAge (default: ${DEFAULT-VALUE}).")
    Duration resync;

    @Option(
            names = "--listen",
            defaultValue = "0.0.0.0:10443",
            paramLabel = "HOST:PORT",
            description = "HTTP API and /metrics address (default: ${DEFAULT-VALUE}); 'none' serves nothing.")
    String listen;

    @Option(names = "--tls-cert", paramLabel = "FILE", description = "PEM certificate chain for the HTTP API.")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "PEM PKCS#8 key for the HTTP API.")
    Path tlsKey;

    @Option(
            names = "--plain-http",
            description = "Serve the API without TLS (tokens travel in clear: only behind a local proxy).")
    boolean plainHttp;

    @Option(names = "--once", description = "Index, apply the policy once, print a summary and exit.")
    boolean once;

    @Option(
            names = "--kubelet-ca",
            paramLabel = "FILE",
            description = "CA that signed the kubelet's serving certificate (default: the service account's CA, "
                    + "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt).")
    Path kubeletCa;

    @Option(
            names = "--kubelet-insecure-tls",
            description = "Do not verify the kubelet's serving certificate: for clusters whose kubelets serve "
                    + "self-signed certificates (kubeadm's do unless serverTLSBootstrap is set). The agent calls only "
                    + "its own node's InternalIP, with its service-account token.")
    boolean kubeletInsecureTls;

    @Option(
            names = "--kubelet-via-apiserver",
            description = "Reach the kubelet through the API server's node proxy (RBAC: create on nodes/proxy) "
                    + "instead of directly (create on nodes/checkpoint).")
    boolean kubeletViaApiServer;

    @Option(
            names = "--runtime-socket",
            paramLabel = "FILE",
            description = "The node's CRI socket (containerd: /run/containerd/containerd.sock, CRI-O: "
                    + "/var/run/crio/crio.sock). The agent asks the runtime (Version, verbose Status, CRI-O's "
                    + "/config) whether it can checkpoint and restore, and publishes the answer on its Node "
                    + "(label amber.dev/restore-backend, annotation amber.dev/runtime-capability). Default: not asked.")
    Path runtimeSocket;

    @Option(
            names = "--runtime-interval",
            defaultValue = "5m",
            converter = DurationConverter.class,
            paramLabel = "DURATION",
            description = "How often the runtime is asked again (default: ${DEFAULT-VALUE}).")
    Duration runtimeInterval;

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
        System.setProperty(
                "org.slf4j.simpleLogger.log.io.fabric8.kubernetes.client.dsl.internal.VersionUsageUtils", "error");
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("checkpoint directory " + dir + " does not exist");
        }
        if (tlsCert == null != (tlsKey == null)) {
            throw new IllegalArgumentException("--tls-cert and --tls-key go together");
        }
        boolean serve = !"none".equals(listen) && !once;
        if (serve && tlsCert == null && !plainHttp) {
            throw new IllegalArgumentException("the HTTP API carries bearer tokens: give --tls-cert and --tls-key, "
                    + "or --plain-http, or --listen none");
        }
        boolean standalone = policyFile != null;
        if (!standalone && (nodeName == null || nodeName.isBlank())) {
            throw new IllegalArgumentException(
                    "no node name: set NODE_NAME (the DaemonSet passes spec.nodeName) or --node-name");
        }
        if (standalone && runtimeSocket != null) {
            throw new IllegalArgumentException(
                    "--runtime-socket publishes on the Node: it needs a cluster, not --policy-file");
        }
        KubeletAccess kubelet = kubeletAccess(standalone);
        AgentConfig config = new AgentConfig(dir.toAbsolutePath().normalize(), stateDir, debounce, resync, dryRun);
        // The address is read before the agent starts, so a mistyped --listen fails before any archive is deleted.
        AgentRuntime.Settings settings = new AgentRuntime.Settings(config, serve ? endpoint() : null, once);
        PrintWriter out = spec.commandLine().getOut();
        try (AgentRuntime agent = standalone
                ? AgentRuntime.standalone(settings, policyFile, out)
                : AgentRuntime.inCluster(
                        settings,
                        new AgentRuntime.ClusterTarget(nodeName, policyName, kubelet, runtimeSocket, runtimeInterval),
                        out)) {
            if (!once) {
                awaitShutdown();
            }
        }
        return 0;
    }

    private KubeletAccess kubeletAccess(boolean standalone) {
        boolean chosen = kubeletCa != null || kubeletInsecureTls || kubeletViaApiServer;
        if (standalone && chosen) {
            throw new IllegalArgumentException(
                    "--kubelet-ca, --kubelet-insecure-tls and --kubelet-via-apiserver need a cluster, not --policy-file");
        }
        if (kubeletViaApiServer && (kubeletCa != null || kubeletInsecureTls)) {
            throw new IllegalArgumentException(
                    "--kubelet-via-apiserver leaves the kubelet's certificate to the API server: "
                            + "no --kubelet-ca or --kubelet-insecure-tls with it");
        }
        if (kubeletInsecureTls && kubeletCa != null) {
            throw new IllegalArgumentException("--kubelet-ca and --kubelet-insecure-tls exclude each other");
        }
        return new KubeletAccess(kubeletViaApiServer, kubeletInsecureTls, kubeletCa);
    }

    private AgentRuntime.HttpEndpoint endpoint() {
        int colon = listen.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("--listen wants HOST:PORT, not " + listen);
        }
        int port = Integer.parseInt(listen.substring(colon + 1));
        return new AgentRuntime.HttpEndpoint(new InetSocketAddress(listen.substring(0, colon), port), tlsCert, tlsKey);
    }

    private static void awaitShutdown() throws InterruptedException {
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
        stop.await();
    }
}
