package dev.amber.testkit.cluster;

import dev.amber.testkit.process.Checkout;
import dev.amber.testkit.process.ExternalCommand;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The local test cluster that {@code scripts/cluster} runs on this machine: etcd, the control plane
 * and two nodes, each with its own kubelet and containerd, plus a plain-HTTP registry. This class only
 * drives the script; the script owns how the cluster is built and laid out.
 */
public final class LocalCluster {

    /** The node tests start workloads on. */
    public static final String NODE_A = "amber-node-a";
    /** The node tests move workloads to. */
    public static final String NODE_B = "amber-node-b";
    /** The busybox-based image every node has imported (no registry pulls happen here). */
    public static final String TEST_IMAGE = "localhost/amber-test/busybox:latest";
    /** Plain-HTTP registry every node can pull from; checkpoint images go here. */
    public static final String REGISTRY = "127.0.0.1:5000";

    /** A cold first run builds Kubernetes, containerd and etcd from source. */
    private static final Duration UP_TIMEOUT = Duration.ofMinutes(45);

    private static final Duration DOWN_TIMEOUT = Duration.ofMinutes(2);
    private static final Pattern EXPORT_LINE = Pattern.compile("(?m)^export KUBECONFIG=(\\S+)$");

    private final Path repository;
    private final Path kubeconfig;

    private LocalCluster(Path repository, Path kubeconfig) {
        this.repository = repository;
        this.kubeconfig = kubeconfig;
    }

    /** Runs {@code scripts/cluster up}, which reuses a running cluster, and returns a handle to it. */
    public static LocalCluster up() {
        Path repository = repositoryRoot();
        String out = script(repository, UP_TIMEOUT, "up");
        Matcher export = EXPORT_LINE.matcher(out);
        if (!export.find()) {
            throw new IllegalStateException("scripts/cluster up printed no 'export KUBECONFIG=' line: " + out.strip());
        }
        return new LocalCluster(repository, Path.of(export.group(1)));
    }

    /** Runs {@code scripts/cluster down}: stops everything the cluster started. */
    public void down() {
        script(repository, DOWN_TIMEOUT, "down");
    }

    /** True when {@code scripts/cluster status} reports the cluster running. */
    public boolean isRunning() {
        try {
            return script(repository, DOWN_TIMEOUT, "status").contains("export KUBECONFIG=");
        } catch (IllegalStateException stopped) {
            return false;
        }
    }

    public Path kubeconfig() {
        return kubeconfig;
    }

    /**
     * The registry as pods reach it ({@code scripts/cluster} makes it listen there too): this machine's
     * address, which is also the API server's, on the registry's port. An agent pushes from its pod to
     * this address, and a restoring node pulls the image by the same name.
     */
    public String podRegistry() {
        try (KubernetesClient client = newClient()) {
            return client.getMasterUrl().getHost() + REGISTRY.substring(REGISTRY.indexOf(':'));
        }
    }

    public Path repository() {
        return repository;
    }

    /** The CRI socket of a node's containerd ({@code scripts/cluster}'s per-node layout under /run). */
    public Path containerdSocket(String node) {
        return Path.of("/run/amber-cluster", node, "containerd", "containerd.sock");
    }

    /** A new client authenticated as cluster admin; the caller closes it. */
    public KubernetesClient newClient() {
        return newClient(null);
    }

    /** A new cluster-admin client whose operations default to {@code namespace}; the caller closes it. */
    public KubernetesClient newClient(String namespace) {
        try {
            Config config = Config.fromKubeconfig(Files.readString(kubeconfig));
            if (namespace != null) {
                config.setNamespace(namespace);
            }
            return new KubernetesClientBuilder().withConfig(config).build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + kubeconfig, e);
        }
    }

    /**
     * A client authenticated as a user of its own, with no permission but what the test grants: a client
     * certificate for CN {@code user} signed by the cluster's CA (openssl), so the API server authenticates
     * and authorises it as it would any real user. Each call makes a new key; the caller closes the client.
     */
    public KubernetesClient userClient(String user) {
        Path pki = Path.of("/var/lib/amber-cluster/pki");
        try {
            Path dir = Files.createTempDirectory("amber-user-");
            Path key = dir.resolve("user.key");
            Path csr = dir.resolve("user.csr");
            Path crt = dir.resolve("user.crt");
            openssl(dir, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key.toString());
            openssl(dir, "req", "-new", "-key", key.toString(), "-subj", "/CN=" + user, "-out", csr.toString());
            openssl(
                    dir,
                    "x509",
                    "-req",
                    "-in",
                    csr.toString(),
                    "-CA",
                    pki.resolve("ca.crt").toString(),
                    "-CAkey",
                    pki.resolve("ca.key").toString(),
                    "-CAcreateserial",
                    "-CAserial",
                    dir.resolve("ca.srl").toString(),
                    "-days",
                    "1",
                    "-out",
                    crt.toString());
            Config admin = Config.fromKubeconfig(Files.readString(kubeconfig));
            Config config = new ConfigBuilder()
                    .withMasterUrl(admin.getMasterUrl())
                    .withCaCertData(admin.getCaCertData())
                    .withCaCertFile(admin.getCaCertFile())
                    .withClientCertFile(crt.toString())
                    .withClientKeyFile(key.toString())
                    .withClientKeyAlgo("EC")
                    .build();
            return new KubernetesClientBuilder().withConfig(config).build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a client certificate for " + user, e);
        }
    }

    private static void openssl(Path dir, String... args) throws IOException {
        List<String> argv = new ArrayList<>(List.of("openssl"));
        argv.addAll(List.of(args));
        try {
            ExternalCommand.Result result = ExternalCommand.run(argv, dir, Map.of(), Duration.ofSeconds(30));
            if (!result.succeeded()) {
                throw new IOException(
                        "openssl " + args[0] + " failed: " + result.stderr().strip());
            }
        } catch (ExternalCommand.TimedOut e) {
            throw new IOException("openssl " + args[0] + " did not finish", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** The repository checkout: the first directory upwards from the working directory with scripts/cluster. */
    static Path repositoryRoot() {
        return Checkout.root("scripts/cluster");
    }

    /** Runs scripts/cluster with one argument; returns stdout, fails with the tail of stderr. */
    static String script(Path repository, Duration timeout, String command) {
        List<String> argv = List.of(repository.resolve("scripts/cluster").toString(), command);
        try {
            ExternalCommand.Result result = ExternalCommand.run(argv, repository, Map.of(), timeout);
            if (!result.succeeded()) {
                throw new IllegalStateException("scripts/cluster " + command + " failed (exit " + result.exitCode()
                        + "): " + ExternalCommand.tail(result.stderr(), 15, "\n"));
            }
            return result.stdout();
        } catch (ExternalCommand.TimedOut e) {
            throw new IllegalStateException("scripts/cluster " + command + " did not finish within " + timeout);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run scripts/cluster " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running scripts/cluster " + command, e);
        }
    }
}
