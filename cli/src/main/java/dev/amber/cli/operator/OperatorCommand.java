package dev.amber.cli.operator;

import dev.amber.cli.ListenAddress;
import dev.amber.operator.AmberOperator;
import dev.amber.operator.OperatorSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "operator",
        mixinStandardHelpOptions = true,
        description = {
            "Run the Amber operator: it takes Checkpoint resources through their phases by asking the node agent "
                    + "of each pod's node to checkpoint the pod's containers (and push them as checkpoint images), "
                    + "and records the outcome in the resource's status, conditions and Events. Reads the cluster "
                    + "from the in-cluster service account, or from KUBECONFIG as kubectl does. Serves /healthz and "
                    + "/readyz. With --leader-election-namespace, replicas elect one leader on a Lease; the others "
                    + "stand by."
        })
public final class OperatorCommand implements Callable<Integer> {
    /**
     * The projected token the chart mounts for the agents (audience amber-agent): the agents refuse a
     * token for the API server, so that none of them ever holds the operator's API credentials.
     */
    private static final Path AGENT_TOKEN = Path.of("/var/run/secrets/amber/agent-token/token");

    @Option(
            names = "--agent-namespace",
            defaultValue = "amber-system",
            description = "Namespace of the agent DaemonSet (default: ${DEFAULT-VALUE}).")
    String agentNamespace;

    @Option(
            names = "--agent-selector",
            defaultValue = "app.kubernetes.io/name=amber-agent",
            description = "Label selector of the agent's pods (default: ${DEFAULT-VALUE}).")
    String agentSelector;

    @Option(
            names = "--agent-port",
            defaultValue = "10443",
            description = "Port of the agent's API on its pod (default: ${DEFAULT-VALUE}).")
    int agentPort;

    @Option(
            names = "--agent-ca",
            paramLabel = "FILE",
            description = "PEM of the CA that signed the agents' serving certificates. Without it the agents are "
                    + "reached over plain HTTP, which only a test set-up should do.")
    Path agentCa;

    @Option(
            names = "--agent-tls-name",
            defaultValue = "amber-agent",
            description = "The DNS name every agent's serving certificate carries; agents are reached at pod IPs, so "
                    + "this name is checked instead of the address (default: ${DEFAULT-VALUE}).")
    String agentTlsName;

    @Option(
            names = "--agent-token-file",
            paramLabel = "FILE",
            description = "A token bound to the audience amber-agent, which the operator sends to the agents; read on "
                    + "every request, as a projected token rotates (default: "
                    + "/var/run/secrets/amber/agent-token/token"
                    + ", which the chart mounts).")
    Path agentTokenFile;

    @Option(
            names = "--default-repository",
            paramLabel = "REPOSITORY",
            description = "Where a Checkpoint's `export: {}` pushes: REPOSITORY/NAMESPACE, one repository per"
                    + " namespace, tagged with the Checkpoint's name.")
    String defaultRepository;

    @Option(
            names = "--insecure-registry",
            paramLabel = "HOST:PORT",
            description = "A registry reached over plain HTTP, such as a local one (repeatable).")
    List<String> insecureRegistries = List.of();

    @Option(
            names = "--checkpoint-timeout",
            defaultValue = "120",
            paramLabel = "SECONDS",
            description = "The kubelet's checkpoint timeout when a Checkpoint sets none (default: ${DEFAULT-VALUE}).")
    int checkpointTimeout;

    @Option(
            names = "--leader-election-namespace",
            paramLabel = "NAMESPACE",
            description =
                    "Elect a leader on the Lease amber-operator in NAMESPACE; without it this replica acts alone.")
    String leaseNamespace;

    @Option(
            names = "--health-listen",
            defaultValue = "0.0.0.0:8081",
            paramLabel = "HOST:PORT",
            description = "Address of /healthz and /readyz (default: ${DEFAULT-VALUE}).")
    String healthListen;

    @Override
    public Integer call() throws Exception {
        if (checkpointTimeout < 1) {
            throw new IllegalArgumentException(
                    "--checkpoint-timeout must be at least 1 second, not " + checkpointTimeout);
        }
        InetSocketAddress health = ListenAddress.parse("--health-listen", healthListen);
        if (agentCa != null && !Files.isReadable(agentCa)) {
            throw new IllegalArgumentException("--agent-ca " + agentCa + " is not a readable file");
        }
        OperatorSettings settings =
                new OperatorSettings(defaultRepository, Set.copyOf(insecureRegistries), checkpointTimeout);
        KubernetesClient client = new KubernetesClientBuilder().build();
        AmberOperator operator = AmberOperator.start(
                client,
                new AmberOperator.Settings(
                        settings,
                        agentNamespace,
                        agentSelector,
                        agentPort,
                        agentCa,
                        agentTlsName,
                        agentTokenFile != null ? agentTokenFile : Files.isReadable(AGENT_TOKEN) ? AGENT_TOKEN : null,
                        leaseNamespace,
                        health));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            operator.close();
            client.close();
            stopped.countDown();
        }));
        System.err.println("amber operator: running against " + client.getMasterUrl() + "; health on "
                + health.getHostString() + ":" + operator.healthPort());
        stopped.await();
        return 0;
    }
}
